import type { IDataObject } from 'n8n-workflow';

/**
 * Inbank's record of a POS session carries the URLs the shop gave it (partnerUrls.callbackUrl,
 * returnUrl, cancelUrl). The trigger's Secret Token mode puts its token into the callback URL's query,
 * so the record would copy that secret into every execution's data. Query parameters whose name says
 * secret, and user:password in a URL, are replaced before a record is output.
 */
const SECRET_PARAMETER = /token|secret|key|signature|sig$|hmac|password|passwd|pwd|auth|credential|session_?id/i;
export const REDACTED = 'REDACTED';

/** The URL with its secrets replaced; undefined when the text is not an absolute URL. */
function withoutSecrets(text: string): string | undefined {
	if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return undefined;
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return undefined;
	}
	let changed = false;
	if (url.username || url.password) {
		url.username = url.username ? REDACTED : '';
		url.password = url.password ? REDACTED : '';
		changed = true;
	}
	for (const name of new Set(url.searchParams.keys())) {
		if (!SECRET_PARAMETER.test(name)) continue;
		url.searchParams.set(name, REDACTED);
		changed = true;
	}
	// A fragment can carry a token too (OAuth-style #access_token=…).
	if (url.hash && SECRET_PARAMETER.test(url.hash)) {
		url.hash = REDACTED;
		changed = true;
	}
	return changed ? url.toString() : text;
}

/**
 * A copy of `value` (an API answer) in which every string that is an absolute URL has its secrets
 * replaced, at any depth. Other values are kept as they are.
 */
export function redactUrlSecrets<T>(value: T): T {
	if (typeof value === 'string') return (withoutSecrets(value) ?? value) as T;
	if (Array.isArray(value)) return value.map((entry: unknown) => redactUrlSecrets(entry)) as T;
	if (typeof value === 'object' && value !== null) {
		const copy: IDataObject = {};
		for (const [key, entry] of Object.entries(value as IDataObject)) copy[key] = redactUrlSecrets(entry);
		return copy as T;
	}
	return value;
}
