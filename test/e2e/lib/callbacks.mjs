// Inbank's status callbacks as the suites send them: signed with the sandbox's own signer (one source for the
// scheme), posted as Inbank's default form body or as JSON.
import { sign } from '../../../sandbox/lib/callbacks.mjs';

/** The callback fields { hmac, timestamp, message } for a session and status, signed with `key` (HMAC-SHA512). */
export function signedFields(uuid, status, key, { timestamp = Math.floor(Date.now() / 1000) } = {}) {
	const message = JSON.stringify({ uuid, status });
	return { hmac: sign('hmac-sha512', key, String(timestamp), message), timestamp: String(timestamp), message };
}

/** A fetch init posting `fields` as a form (Inbank's default delivery format). */
export const form = (fields) => ({
	method: 'POST',
	headers: { 'content-type': 'application/x-www-form-urlencoded' },
	body: new URLSearchParams(fields).toString(),
});

/** A fetch init posting `body` as JSON. */
export const json = (body) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A signed callback as Inbank posts it: the form body of signedFields(). */
export const signedForm = (uuid, status, key, options) => form(signedFields(uuid, status, key, options));
