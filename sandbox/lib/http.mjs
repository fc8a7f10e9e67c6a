// Small HTTP helpers shared by the partner API, the customer page and the control API.

/** Request bodies above this are refused (413): no real create body comes close. */
export const MAX_BODY = 1024 * 1024;

/** Reads the whole body; stops buffering (but keeps draining) once it passes MAX_BODY. */
export function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size <= MAX_BODY) chunks.push(chunk);
		});
		req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > MAX_BODY }));
		req.on('error', reject);
	});
}

/** A JSON body as the partner API reads it: { json } (undefined when empty) or { error }. */
export function parseJsonBody(text, contentType = '') {
	if (text.trim() === '') return { json: undefined };
	// Inbank's API takes JSON; a form post is a client mistake worth naming.
	if (/application\/x-www-form-urlencoded|multipart\/form-data/i.test(contentType)) return { error: 'must be JSON (Content-Type: application/json), not a form' };
	try {
		return { json: JSON.parse(text) };
	} catch {
		return { error: 'is not valid JSON' };
	}
}

export function sendJson(res, status, body, headers = {}) {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
	res.end(text);
}

export function sendHtml(res, status, html, headers = {}) {
	res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), ...headers });
	res.end(html);
}

export function sendEmpty(res, status, headers = {}) {
	res.writeHead(status, headers);
	res.end();
}

/** Peers allowed on the control API: this machine only, whatever address the sandbox listens on. */
export function isLoopback(address = '') {
	return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** Host names that mean this machine. Anything else in a Host header is a name pointed at us (DNS rebinding). */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** Methods a browser may send cross-site without a preflight when the content type is a "simple" one. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** `host:port` (or an origin's) when it names this machine at the sandbox's own port. */
function isLoopbackAuthority(authority, port) {
	const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(String(authority).toLowerCase());
	return Boolean(match) && LOOPBACK_NAMES.has(match[1]) && Number(match[2] ?? 80) === port;
}

/**
 * Why a control request (already from a loopback peer) must be refused, or undefined. A page in the
 * developer's browser can reach 127.0.0.1 too: through a name it rebinds to 127.0.0.1 (the Host header
 * then carries that name), or by a cross-site form or fetch (it carries a foreign Origin, and only a
 * "simple" content type such as text/plain goes out without a CORS preflight, which this API never answers).
 */
export function controlRequestProblem(headers, port) {
	if (!isLoopbackAuthority(headers.host ?? '', port)) return { status: 403, message: `the control API answers requests addressed to 127.0.0.1:${port}, localhost:${port} or [::1]:${port} only (Host header)` };
	const origin = headers.origin;
	if (origin !== undefined) {
		let allowed = false;
		try {
			const url = new URL(origin);
			allowed = url.protocol === 'http:' && isLoopbackAuthority(url.host || 'x', port) && origin.replace(/\/$/, '') === url.origin;
		} catch {
			allowed = false; // "null" (sandboxed frames, file: pages) and anything unparsable
		}
		if (!allowed) return { status: 403, message: 'the control API refuses requests from web pages of other origins (Origin header)' };
	}
	// Browsers send Sec-Fetch-Site; anything but our own origin or a typed-in address is another page.
	const site = headers['sec-fetch-site'];
	if (site !== undefined && site !== 'same-origin' && site !== 'none') return { status: 403, message: 'the control API refuses requests from web pages of other origins (Sec-Fetch-Site header)' };
	return undefined;
}

/** Whether a control request's method needs a JSON content type (every method that can change state). */
export function needsJsonContentType(method) {
	return !SAFE_METHODS.has(String(method).toUpperCase());
}

/** `application/json`, with or without parameters (charset). */
export function isJsonContentType(value = '') {
	return String(value).split(';')[0].trim().toLowerCase() === 'application/json';
}

const SECRET_PARAM = /token|secret|key|signature|hmac|password|auth/i;

/** A URL for log lines: query parameters that look secret (e.g. a callback's ?token=) are masked. */
export function redactUrl(value) {
	try {
		const url = new URL(value);
		for (const name of [...url.searchParams.keys()]) if (SECRET_PARAM.test(name)) url.searchParams.set(name, '***');
		if (url.username) url.username = '***';
		if (url.password) url.password = '***';
		return url.toString();
	} catch {
		return '<invalid url>';
	}
}

/** Splits a path into decoded segments; undefined when a segment is not valid percent-encoding. */
export function pathSegments(path) {
	try {
		return path.split('/').slice(1).map(decodeURIComponent);
	} catch {
		return undefined;
	}
}
