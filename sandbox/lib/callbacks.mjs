// Inbank's status callbacks: the same content goes server-to-server to callbackUrl and, through the
// customer's browser, to returnUrl / cancelUrl. Signed as Inbank's v2 integrations show it:
// hmac = hex(HMAC-SHA512(key = the shop's API key, timestamp + "." + message)); v3's exact text is not
// public, so the scheme and the delivery format are configurable.
import { createHmac } from 'node:crypto';

export const SIGNING_SCHEMES = ['hmac-sha512', 'none'];
export const CALLBACK_FORMATS = ['form', 'json', 'query'];

/** The callback fields for a session in its current state. */
export function callbackFields(session, apiKey, { scheme = 'hmac-sha512', nowMs = Date.now(), variant = 'genuine' } = {}) {
	const message = JSON.stringify({
		uuid: session.uuid,
		status: session.status,
		...(session.purchase?.purchaseReference ? { purchaseReference: session.purchase.purchaseReference } : {}),
		...(session.creditContractUuid ? { creditContractUuid: session.creditContractUuid } : {}),
	});
	if (scheme === 'none' || variant === 'unsigned') return { message };
	// A stale callback is one from an hour ago: outside any sensible replay window.
	const timestamp = String(Math.floor(nowMs / 1000) - (variant === 'stale' ? 3600 : 0));
	const key = variant === 'forged' ? `forged-${apiKey}` : apiKey;
	const hmac = createHmac('sha512', key).update(`${timestamp}.${message}`, 'utf8').digest('hex');
	return { hmac, timestamp, message };
}

/** Sends the callback to callbackUrl. Never throws: the result (or the error) is returned for the log. */
export async function deliverCallback(url, fields, { format = 'form', timeoutMs = 5000 } = {}) {
	const started = Date.now();
	let target = url;
	const init = { method: 'POST', signal: AbortSignal.timeout(timeoutMs), headers: {} };
	if (format === 'json') {
		init.headers['content-type'] = 'application/json';
		init.body = JSON.stringify(fields);
	} else if (format === 'query') {
		const u = new URL(url);
		for (const [k, v] of Object.entries(fields)) u.searchParams.set(k, v);
		target = u.toString();
	} else {
		init.headers['content-type'] = 'application/x-www-form-urlencoded';
		init.body = new URLSearchParams(fields).toString();
	}
	try {
		const res = await fetch(target, init);
		const text = await res.text();
		return { url, httpStatus: res.status, body: text.slice(0, 200), ms: Date.now() - started };
	} catch (error) {
		return { url, error: error.cause?.code ?? error.name ?? 'error', ms: Date.now() - started };
	}
}

/** The browser's redirect target: returnUrl/cancelUrl with the callback fields in the query. */
export function browserRedirect(url, fields) {
	const u = new URL(url);
	for (const [k, v] of Object.entries(fields)) u.searchParams.set(k, v);
	return u.toString();
}
