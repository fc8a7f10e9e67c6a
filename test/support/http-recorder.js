'use strict';
// A local HTTP server for tests (127.0.0.1, a free port) that records every request and answers with
// whatever the test scripts. Plain JavaScript: node:http is a test-only concern, outside the node code.
const http = require('node:http');

/**
 * @param {(req: {method: string, url: string, path: string, headers: object, rawBody: string, json: unknown}) =>
 *   ({status: number, body?: unknown, rawBody?: string, headers?: object, delayMs?: number, destroy?: boolean, onSent?: () => void}|undefined)} respond
 */
async function startRecorder(respond) {
	const requests = [];
	const sockets = new Set();
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const rawBody = Buffer.concat(chunks).toString('utf8');
			let json;
			try {
				json = rawBody ? JSON.parse(rawBody) : undefined;
			} catch {
				json = undefined;
			}
			const url = new URL(req.url, 'http://127.0.0.1');
			const record = { method: req.method, url: req.url, path: url.pathname, headers: req.headers, rawBody, json };
			requests.push(record);
			const answer = respond(record) || { status: 404, body: { message: 'not_found' } };
			const send = () => {
				if (answer.destroy) {
					req.socket.destroy();
					return;
				}
				const text = answer.rawBody !== undefined ? answer.rawBody : answer.body === undefined ? '' : JSON.stringify(answer.body);
				res.writeHead(answer.status, {
					'content-type': answer.rawBody !== undefined ? 'text/html' : 'application/json',
					...(answer.headers || {}),
				});
				res.end(text);
				if (answer.onSent) answer.onSent();
			};
			if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
			else send();
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	return {
		baseUrl: `http://127.0.0.1:${port}`,
		port,
		requests,
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

/** A port on which nothing listens (bound, then released), for connection-refused cases. */
async function closedPort() {
	const server = http.createServer();
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	await new Promise((resolve) => server.close(resolve));
	return port;
}

module.exports = { startRecorder, closedPort };
