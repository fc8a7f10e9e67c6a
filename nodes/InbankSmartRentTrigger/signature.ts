import { createHmac, timingSafeEqual } from 'crypto';

/**
 * Inbank's callback signature, as its v2 integrations show it (../shared/inbank/api-facts.md):
 * hmac = hex(HMAC-SHA512(key = the shop's API key, timestamp + "." + message)).
 * v3's exact text is not public; this is the documented scheme, and the README says so.
 */
export function computeSignature(apiKey: string, timestamp: string, message: string): string {
	return createHmac('sha512', apiKey).update(`${timestamp}.${message}`, 'utf8').digest('hex');
}

const HEX_SHA512 = /^[0-9a-fA-F]{128}$/;

/** Constant-time comparison of the received hmac with the expected one; false for any malformed hmac. */
export function verifySignature(apiKey: string, timestamp: string, message: string, hmac: string): boolean {
	if (!apiKey || !HEX_SHA512.test(hmac)) return false;
	const expected = Buffer.from(computeSignature(apiKey, timestamp, message), 'hex');
	const received = Buffer.from(hmac, 'hex');
	return expected.length === received.length && timingSafeEqual(expected, received);
}

/** Constant-time equality of two secrets of any length (the URL token). */
export function secretsEqual(expected: string, received: string): boolean {
	const a = createHmac('sha256', 'inbank-callback-token').update(expected, 'utf8').digest();
	const b = createHmac('sha256', 'inbank-callback-token').update(received, 'utf8').digest();
	return timingSafeEqual(a, b) && expected.length === received.length;
}

export type TimestampCheck =
	| { ok: true; ageSeconds: number }
	| { ok: false; reason: 'malformed' | 'stale' | 'future'; ageSeconds?: number };

/**
 * The replay window: a signed callback older than `windowSeconds` (or as far in the future, for
 * clock skew) is refused. Timestamps are Unix seconds; milliseconds are recognised and converted.
 */
export function checkTimestamp(timestamp: string, nowMs: number, windowSeconds: number): TimestampCheck {
	if (!/^\d{9,13}$/.test(timestamp)) return { ok: false, reason: 'malformed' };
	let seconds = Number(timestamp);
	if (timestamp.length === 13) seconds = Math.floor(seconds / 1000);
	const ageSeconds = Math.round(nowMs / 1000 - seconds);
	if (ageSeconds > windowSeconds) return { ok: false, reason: 'stale', ageSeconds };
	if (ageSeconds < -windowSeconds) return { ok: false, reason: 'future', ageSeconds };
	return { ok: true, ageSeconds };
}
