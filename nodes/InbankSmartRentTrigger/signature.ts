import { createHmac, timingSafeEqual } from 'crypto';

/**
 * Inbank's callback signature, as its v2 integrations (public plugin code) show it:
 * hmac = hex(HMAC-SHA512(key = the shop's API key, timestamp + "." + message)).
 * v3's exact text is not public; the README says so.
 */
export function computeSignature(apiKey: string, timestamp: string, message: string): string {
	return createHmac('sha512', apiKey).update(`${timestamp}.${message}`, 'utf8').digest('hex');
}

const HEX_SHA512 = /^[0-9a-fA-F]{128}$/;

/** Digest lengths of other common schemes, to name the scheme a callback seems to use. */
const OTHER_SCHEMES: Record<'hex' | 'Base64', Record<number, string>> = {
	hex: { 40: 'SHA-1', 64: 'SHA-256', 96: 'SHA-384' },
	Base64: { 28: 'SHA-1', 43: 'SHA-256', 44: 'SHA-256', 64: 'SHA-384', 86: 'SHA-512', 88: 'SHA-512' },
};

/**
 * Why a received hmac cannot be this scheme's (HMAC-SHA512 as 128 hexadecimal characters), told by its
 * length and alphabet only, never its value; undefined when it has the expected form (a mismatch then
 * means another key or a changed message, not another scheme).
 */
export function hmacFormProblem(hmac: string): string | undefined {
	if (HEX_SHA512.test(hmac)) return undefined;
	const length = hmac.length;
	const alphabet = /^[0-9a-fA-F]+$/.test(hmac) ? 'hex' : /^[A-Za-z0-9+/_-]+={0,2}$/.test(hmac) ? 'Base64' : undefined;
	const scheme = alphabet ? OTHER_SCHEMES[alphabet][length] : undefined;
	const what = alphabet
		? `${length} ${alphabet === 'hex' ? 'hexadecimal' : 'Base64'} characters${scheme ? ` (the length of ${scheme} in ${alphabet})` : ''}`
		: `${length} characters, not all hexadecimal`;
	return `the hmac has ${what}; expected 128 hexadecimal characters (HMAC-SHA512 in hex): the callback is signed with another scheme than this node checks, not merely with another key`;
}

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
