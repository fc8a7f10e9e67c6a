// The Inbank sandbox: a local emulator of Inbank's partner API v3 (e-POS / Smart Rent) with a customer
// decision page, signed status callbacks and a control API for tests. Node's standard library only.
// See sandbox/README.md. Not part of the published package.
//
//   const sandbox = await startSandbox({ port: 0 });   // -> { url, port, publicUrl, state, close() }
//
// Layout: lib/config.mjs (options), lib/routes.mjs (partner API), lib/validate.cjs (request rules),
// lib/state.mjs (sessions, contracts), lib/pricing.mjs (amounts), lib/catalogue.mjs (devices),
// lib/callbacks.mjs (signing, delivery), lib/page.mjs (customer page), lib/control.mjs (control API),
// lib/faults.mjs (fault injection), lib/http.mjs (helpers).
import { createServer } from 'node:http';

import { browserRedirect, CallbackSender } from './lib/callbacks.mjs';
import { resolveOptions } from './lib/config.mjs';
import { CONTROL_PREFIX, handleControl } from './lib/control.mjs';
import { applyFault, Faults } from './lib/faults.mjs';
import { controlRequestProblem, isJsonContentType, isLoopback, needsJsonContentType, pathSegments, readBody, sendEmpty, sendHtml, sendJson } from './lib/http.mjs';
import { closedPage, notFoundPage, resultPage, sessionPage } from './lib/page.mjs';
import { calculateRent, demoDecision } from './lib/pricing.mjs';
import { handleApi } from './lib/routes.mjs';
import { Store } from './lib/state.mjs';

export { DEFAULT_PRODUCT, DEFAULT_SHOP, resolveOptions } from './lib/config.mjs';

/** Request and callback logs keep this many entries (oldest dropped first). */
const MAX_LOG = 10_000;

/**
 * Starts the sandbox. Options (all optional): port (4010; 0 = a free port), host ('127.0.0.1'),
 * publicUrl, shops [{ uuid, apiKey, country, name }], products [{ code, periods }],
 * extraCategoryCodes, signing ('hmac-sha512' | 'hmac-sha256' | 'none'), callbackFormat ('form' |
 * 'json' | 'query' | 'get'), callbackTimeoutMs (5000), requireMerchantApproval (false),
 * sessionValidityMinutes (1440), expiryCheckMs (1000; 0 = on reads only), log(line).
 * Rejects with a ConfigError naming a bad option, or the listen error (e.g. EADDRINUSE).
 */
export async function startSandbox(rawOptions = {}) {
	const options = resolveOptions(rawOptions);
	const now = () => Date.now();
	const timers = new Set();
	let closed = false;

	// The sandbox context every module works with.
	const sb = {
		options,
		now,
		url: undefined,
		publicUrl: undefined,
		store: new Store({ now }),
		faults: new Faults(),
		requestLog: [],
		shopsByUuid: new Map(options.shops.map((shop) => [shop.uuid, shop])),
		shopsByKey: new Map(options.shops.map((shop) => [shop.apiKey, shop])),
		products: new Map(options.products.map((product) => [product.code, product])),
		callbacks: undefined,
		/** Sends the callback for a session's current status; resolves with { fields, result }. Never rejects. */
		notify: (session) => sb.callbacks.send(session).catch((error) => ({ result: { error: String(error) } })),
		/** Expires pending sessions whose validUntil passed (on a timer, and before every read). */
		expireDue() {
			for (const session of sb.store.expireDue()) void sb.notify(session);
		},
		reset() {
			sb.store.reset();
			sb.faults.clear();
			sb.requestLog.length = 0;
			sb.callbacks.reset();
		},
	};
	sb.callbacks = new CallbackSender({
		scheme: options.signing,
		format: options.callbackFormat,
		timeoutMs: options.callbackTimeoutMs,
		keyFor: (shopUuid) => sb.shopsByUuid.get(shopUuid).apiKey,
		now,
		log: options.log,
		maxLog: MAX_LOG,
	});

	/** setTimeout that resolves early when the sandbox closes (slow faults must not outlive it). */
	const wait = (ms) =>
		new Promise((resolve) => {
			const timer = setTimeout(() => {
				timers.delete(timer);
				resolve();
			}, ms);
			timers.add(timer);
			timer.resolve = resolve;
		});

	// ---- the customer page ---------------------------------------------------------------------------
	async function page(req, res, url, text) {
		const match = /^\/session\/([^/]+)(\/decision)?$/.exec(url.pathname);
		const uuid = match && pathSegments(`/${match[1]}`)?.[0];
		sb.expireDue();
		const session = uuid && sb.store.findSession(uuid);
		if (!session) return sendHtml(res, 404, notFoundPage());
		const shop = sb.shopsByUuid.get(session.shopUuid);
		if (!match[2]) {
			if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { message: 'method_not_allowed' }, { allow: 'GET' });
			const monthly = calculateRent(session.rentalApplicationData, shop.country).rentalSchedule.grossMonthlyPayment;
			return sendHtml(res, 200, sessionPage(session, shop.name, monthly));
		}
		if (req.method !== 'POST') return sendJson(res, 405, { message: 'method_not_allowed' }, { allow: 'POST' });
		const form = /json/i.test(String(req.headers['content-type'] ?? '')) ? safeJson(text) ?? {} : Object.fromEntries(new URLSearchParams(text));
		const decision = form.decision;
		if (!['approve', 'decline', 'cancel'].includes(decision)) return sendJson(res, 400, { message: 'decision must be approve, decline or cancel' });
		if (session.status !== 'pending') return sendHtml(res, 409, closedPage(session));

		// The demo rules: a negative amount declines even when approved; a positive or "manual" one
		// follows the button (the customer's Decline always declines).
		const status = decision === 'cancel' ? 'cancelled' : decision === 'decline' || demoDecision(session.totalAmount) === 'negative' ? 'declined' : 'granted';
		sb.store.moveSession(session, status);
		options.log(`session ${session.uuid}: customer chose ${decision} -> ${status}`);
		// Server to server first (awaited, bounded by the callback timeout), then the browser goes back.
		const { fields } = await sb.notify(session);
		const target = decision === 'cancel' ? session.partnerUrls?.cancelUrl : session.partnerUrls?.returnUrl;
		if (target) return sendEmpty(res, 303, { location: browserRedirect(target, fields ?? sb.callbacks.fieldsFor(session)) });
		return sendHtml(res, 200, resultPage(session));
	}

	// ---- requests ------------------------------------------------------------------------------------
	async function handle(req, res, url, body) {
		const path = url.pathname;

		if (path.startsWith(CONTROL_PREFIX)) {
			if (!isLoopback(req.socket.remoteAddress)) return sendJson(res, 403, { message: 'the control API answers this machine only' });
			const problem = controlRequestProblem(req.headers, req.socket.localPort);
			if (problem) return sendJson(res, problem.status, { message: problem.message });
			// A JSON content type on anything that changes state: a cross-site page cannot send one without a preflight.
			if ((needsJsonContentType(req.method) || body.text !== '') && !isJsonContentType(req.headers['content-type'])) {
				return sendJson(res, 415, { message: 'the control API takes Content-Type: application/json (required on POST, PUT, PATCH and DELETE, and on any body)' });
			}
			const json = body.text.trim() === '' ? {} : safeJson(body.text);
			const answer = await handleControl(sb, req.method, path, url.searchParams, json);
			return answer.body === undefined ? sendEmpty(res, answer.status) : sendJson(res, answer.status, answer.body);
		}

		if (path.startsWith('/session/')) return page(req, res, url, body.text);

		if (path === '/partner' || path.startsWith('/partner/')) {
			const fault = sb.faults.take(req.method, path);
			const respond = (answer) => (answer.body === undefined ? sendEmpty(res, answer.status, answer.headers) : sendJson(res, answer.status, answer.body, answer.headers));
			const answerNow = () => (body.tooLarge ? { status: 413, body: { message: 'payload_too_large' } } : handleApi(sb, req, url, body.text));
			if (fault?.mode === 'delayed') {
				// The state as it is now, sent later: a read that answers what it saw when it started.
				res.sandboxFault = fault.mode;
				const answer = JSON.parse(JSON.stringify(answerNow()));
				await wait(fault.delayMs);
				if (closed) return req.socket.destroy();
				return respond(answer);
			}
			if (fault) {
				res.sandboxFault = fault.mode;
				if (await applyFault(fault, req, res, wait)) return;
				if (closed) return req.socket.destroy();
			}
			return respond(answerNow());
		}

		if (path === '/' && req.method === 'GET') {
			return sendJson(res, 200, { name: 'Inbank sandbox', api: `${sb.url}/partner/v3/shops/{shopUuid}/…`, customerPage: '/session/{uuid}', control: '/__sandbox/…', docs: 'sandbox/README.md' });
		}
		return sendJson(res, 404, { message: 'not_found' });
	}

	/** One request-log entry (API and page requests; the control API's own calls are not logged). */
	function record(req, res, url, body, started) {
		const ms = Date.now() - started;
		if (!url.pathname.startsWith(CONTROL_PREFIX)) {
			const entry = { at: new Date(started).toISOString(), method: req.method, path: url.pathname, query: url.search, status: res.sandboxFault === 'drop' ? null : res.statusCode, ms };
			if (res.sandboxFault) entry.fault = res.sandboxFault;
			const json = url.pathname.startsWith('/partner/') ? safeJson(body.text) : undefined;
			if (json !== undefined) entry.body = withoutKeys(json);
			sb.requestLog.push(entry);
			if (sb.requestLog.length > MAX_LOG) sb.requestLog.splice(0, sb.requestLog.length - MAX_LOG);
		}
		// The log line: method, path, status, time. Never headers (the bearer key) nor bodies.
		options.log(`${req.method} ${url.pathname} ${res.sandboxFault === 'drop' ? 'dropped' : res.statusCode}${res.sandboxFault ? ` (fault: ${res.sandboxFault})` : ''} ${ms}ms`);
	}

	/** An API key pasted into a body by mistake stays out of the logs too. */
	function withoutKeys(json) {
		let text = JSON.stringify(json);
		for (const key of sb.shopsByKey.keys()) text = text.split(JSON.stringify(key).slice(1, -1)).join('[redacted]');
		return JSON.parse(text);
	}

	const sockets = new Set();
	const server = createServer(async (req, res) => {
		const started = Date.now();
		let url;
		try {
			url = new URL(req.url, 'http://sandbox');
		} catch {
			return sendJson(res, 400, { message: 'bad_request' });
		}
		let body = { text: '', tooLarge: false };
		try {
			body = await readBody(req);
			await handle(req, res, url, body);
		} catch (error) {
			// A bug or an injected oddity must never take the sandbox down: answer like Inbank's 500.
			options.log(`error ${req.method} ${url.pathname}: ${error?.stack ?? error}`);
			if (!res.headersSent && !res.destroyed) sendJson(res, 500, { message: 'internal_server_error' });
		} finally {
			record(req, res, url, body, started);
		}
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.on('clientError', (_error, socket) => socket.destroy());

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address();
	const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
	sb.url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
	sb.publicUrl = options.publicUrl ?? sb.url;

	const expiryTimer = options.expiryCheckMs > 0 ? setInterval(() => sb.expireDue(), options.expiryCheckMs) : undefined;
	expiryTimer?.unref();

	return {
		url: sb.url,
		port,
		publicUrl: sb.publicUrl,
		options,
		/** Live state for in-process tests: store (sessions, contracts), logs, faults. */
		state: {
			store: sb.store,
			requestLog: sb.requestLog,
			get callbackLog() {
				return sb.callbacks.log;
			},
			get faults() {
				return sb.faults.list;
			},
		},
		/** Stops listening, aborts callbacks and slow faults in flight, closes every open connection. */
		async close() {
			if (closed) return;
			closed = true;
			clearInterval(expiryTimer);
			sb.callbacks.close();
			for (const timer of timers) {
				clearTimeout(timer);
				timer.resolve();
			}
			const done = new Promise((resolve) => server.close(() => resolve()));
			for (const socket of sockets) socket.destroy();
			await done;
		},
	};
}

function safeJson(text) {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}
