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
