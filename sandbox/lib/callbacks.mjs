// Inbank's status callbacks. The same content goes server-to-server to partnerUrls.callbackUrl and,
// through the customer's browser, to returnUrl / cancelUrl (as query parameters).
//
// Fields: hmac, timestamp (Unix seconds), message (a JSON string: uuid, status, purchaseReference?,
// creditContractUuid?). Signature as Inbank's v2 integrations show it:
//   hmac = hex(HMAC-SHA512(key = the shop's API key, timestamp + "." + message))
// v3's exact text is not public, so the scheme and the delivery format are configurable.
import { createHmac } from 'node:crypto';

import { redactUrl } from './http.mjs';

export const SIGNING_SCHEMES = ['hmac-sha512', 'hmac-sha256', 'none'];
/** form: POST x-www-form-urlencoded (default); json: POST JSON; query: POST, fields in the query; get: GET, fields in the query. */
export const CALLBACK_FORMATS = ['form', 'json', 'query', 'get'];
/**
 * What the control API can send: genuine (freshly signed), duplicate (the last delivery, byte for
 * byte), forged (signed with a wrong key), tampered (signed, then the message changed), stale
 * (signed, timestamp in the past), future (timestamp in the future), unsigned (message only).
 */
export const CALLBACK_VARIANTS = ['genuine', 'duplicate', 'forged', 'tampered', 'stale', 'future', 'unsigned'];

/** The message for a session in its current state: a JSON string, signed as it is. */
export function callbackMessage(session) {
	return JSON.stringify({
		uuid: session.uuid,
		status: session.status,
		...(session.purchase?.purchaseReference ? { purchaseReference: session.purchase.purchaseReference } : {}),
		...(session.creditContractUuid ? { creditContractUuid: session.creditContractUuid } : {}),
	});
}

export function sign(scheme, key, timestamp, message) {
	const algorithm = scheme === 'hmac-sha256' ? 'sha256' : 'sha512';
	return createHmac(algorithm, key).update(`${timestamp}.${message}`, 'utf8').digest('hex');
}

/** The callback fields for `message` in a variant. Forged, tampered, stale and future are always signed. */
export function callbackFields(message, apiKey, { scheme = 'hmac-sha512', nowMs = Date.now(), variant = 'genuine', ageSeconds = 3600 } = {}) {
	if (variant === 'unsigned' || (scheme === 'none' && variant === 'genuine')) return { message };
	const now = Math.floor(nowMs / 1000);
	const timestamp = String(variant === 'stale' ? now - ageSeconds : variant === 'future' ? now + ageSeconds : now);
	const key = variant === 'forged' ? `forged-${apiKey}` : apiKey;
	const hmac = sign(scheme, key, timestamp, message);
	if (variant !== 'tampered') return { hmac, timestamp, message };
	// Signed for one status, delivered with another: what an attacker rewriting the message sends.
	const parsed = JSON.parse(message);
	parsed.status = parsed.status === 'completed' ? 'granted' : 'completed';
	return { hmac, timestamp, message: JSON.stringify(parsed) };
}

/** returnUrl / cancelUrl (or a query-format callback URL) with the callback fields in its query. */
export function browserRedirect(url, fields) {
	const target = new URL(url);
	for (const [name, value] of Object.entries(fields)) target.searchParams.set(name, value);
	return target.toString();
}

/**
 * Sends callbacks and remembers them. Delivery never throws: a refused, slow or unreachable target is
 * recorded in the callback log (status code or error) and the sandbox carries on.
 */
export class CallbackSender {
	/** Delivery log, newest last: what the control API's GET /__sandbox/callbacks returns. */
	log = [];
	#last = new Map();
	#closing = new AbortController();
	#options;

	/** options: { scheme, format, timeoutMs, keyFor(shopUuid), now(), log(line), maxLog } */
	constructor(options) {
		this.#options = options;
	}

	/** The fields of a callback for the session's current status, in a variant. */
	fieldsFor(session, variant = 'genuine', ageSeconds) {
		const { scheme, keyFor, now } = this.#options;
		return callbackFields(callbackMessage(session), keyFor(session.shopUuid), { scheme, nowMs: now(), variant, ageSeconds });
	}

	/** The fields of the last genuine callback for a session (sent, or carried by the browser), if any. */
	lastFields(sessionUuid) {
		return this.#last.get(sessionUuid);
	}

	/**
	 * Sends a callback for the session's current status to `url` (default: its callbackUrl). Resolves
	 * with { fields, result }: result is the delivery record, or { skipped } when there is no target.
	 */
	async send(session, { variant = 'genuine', url, ageSeconds } = {}) {
		const fields = variant === 'duplicate' ? (this.#last.get(session.uuid) ?? this.fieldsFor(session)) : this.fieldsFor(session, variant, ageSeconds);
		if (variant === 'genuine') this.#last.set(session.uuid, fields);
		const target = url ?? session.partnerUrls?.callbackUrl;
		if (!target) return { fields, result: { skipped: 'no callbackUrl' } };
		const delivery = await this.#deliver(target, fields);
		const entry = { at: new Date(this.#options.now()).toISOString(), sessionUuid: session.uuid, sessionStatus: session.status, variant, format: this.#options.format, fields, ...delivery };
		this.log.push(entry);
		if (this.log.length > this.#options.maxLog) this.log.splice(0, this.log.length - this.#options.maxLog);
		this.#options.log(`callback ${session.status} (${variant}) -> ${redactUrl(target)}: ${delivery.httpStatus ?? delivery.error} ${delivery.ms}ms`);
		return { fields, result: entry };
	}

	async #deliver(url, fields) {
		const { format, timeoutMs } = this.#options;
		const started = Date.now();
		let target = url;
		const init = {
			method: format === 'get' ? 'GET' : 'POST',
			headers: { 'user-agent': 'inbank-sandbox' },
			// A callback is one request: a redirect answer is recorded, not followed.
			redirect: 'manual',
			signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), this.#closing.signal]),
		};
		if (format === 'json') {
			init.headers['content-type'] = 'application/json';
			init.body = JSON.stringify(fields);
		} else if (format === 'form') {
			init.headers['content-type'] = 'application/x-www-form-urlencoded';
			init.body = new URLSearchParams(fields).toString();
		} else {
			target = browserRedirect(url, fields);
		}
		try {
			const res = await fetch(target, init);
			const text = await res.text();
			return { url, httpStatus: res.status, body: text.slice(0, 200), ms: Date.now() - started };
		} catch (error) {
			const reason = this.#closing.signal.aborted
				? 'sandbox closed'
				: error.name === 'TimeoutError'
					? `timeout after ${timeoutMs} ms`
					: (error.cause?.code ?? error.cause?.message ?? error.message ?? 'error');
			return { url, error: reason, ms: Date.now() - started };
		}
	}

	reset() {
		this.log.length = 0;
		this.#last.clear();
	}

	/** Aborts deliveries in flight (sandbox shutdown). */
	close() {
		this.#closing.abort();
	}
}
