// A minimal load balancer in front of the webhook processes, as production has one: each request goes
// to the upstream `route` picks (round robin by default), and is recorded with the upstream that got it.
import { createServer } from 'node:http';

/** upstreams: { name: base URL, or a function returning it (ports can change on a restart) }. */
export async function startBalancer(upstreams) {
	let next = 0;
	const balancer = {
		/** (request) → upstream name; replace it to pin traffic to one process. */
		route: () => {
			const names = Object.keys(upstreams);
			return names[next++ % names.length];
		},
		/** [{ at, method, path, upstream, status }] */
		log: [],
	};
	const sockets = new Set();
	const server = createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', async () => {
			const upstream = balancer.route(req);
			const entry = { at: Date.now(), method: req.method, path: req.url.split('?')[0], upstream, status: undefined };
			balancer.log.push(entry);
			try {
				const headers = { ...req.headers };
				delete headers.host;
				delete headers['content-length'];
				delete headers.connection;
				const body = chunks.length ? Buffer.concat(chunks) : undefined;
				const base = typeof upstreams[upstream] === 'function' ? upstreams[upstream]() : upstreams[upstream];
				const answer = await fetch(`${base}${req.url}`, { method: req.method, headers, body, redirect: 'manual' });
				const text = Buffer.from(await answer.arrayBuffer());
				entry.status = answer.status;
				res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
				res.end(text);
			} catch (error) {
				entry.status = 502;
				entry.error = String(error);
				res.writeHead(502, { 'content-type': 'text/plain' });
				res.end('bad gateway');
			}
		});
	});
	server.on('connection', (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	balancer.url = `http://127.0.0.1:${server.address().port}`;
	balancer.close = async () => {
		for (const s of sockets) s.destroy();
		await new Promise((r) => server.close(r));
	};
	return balancer;
}
