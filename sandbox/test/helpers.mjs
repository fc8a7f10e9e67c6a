// Shared test helpers: a sandbox on a free port with typed request helpers, a local receiver for
// callbacks and browser redirects, an independent HMAC check, and a valid create body.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';

import { DEFAULT_SHOP, startSandbox } from '../server.mjs';

export const SHOP = DEFAULT_SHOP.uuid;
export const KEY = DEFAULT_SHOP.apiKey;
export const LV_SHOP = { uuid: 'b2c3d4e5-0000-4000-8000-00000000aaaa', apiKey: 'latvian-shop-key', country: 'lv', name: 'Riga Phones' };
export const PRODUCT = 'smart_rent_demo';
export const IMEI = '356938035643809'; // 15 digits, valid Luhn check digit
export const IPHONE = 'apple-iphone-15-128'; // IMEI and SERIAL_NUMBER
export const GALAXY = 'samsung-galaxy-s24-256'; // IMEI only

/** Independent of the sandbox's code: hex(HMAC-SHA512(apiKey, timestamp + "." + message)). */
export function signatureOk(key, { hmac, timestamp, message }, algorithm = 'sha512') {
	return typeof hmac === 'string' && createHmac(algorithm, key).update(`${timestamp}.${message}`).digest('hex') === hmac;
}

/** A local HTTP receiver (the shop): records every request; `answer` decides the reply. */
export async function receiver(answer = () => ({ status: 200, body: 'OK' })) {
	const received = [];
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', async () => {
			const url = new URL(req.url, 'http://receiver');
			const entry = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body };
			entry.form = Object.fromEntries(new URLSearchParams(body));
			received.push(entry);
			const reply = await answer(entry);
			if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
			if (!res.destroyed) {
				res.writeHead(reply.status ?? 200, { 'content-type': 'text/plain' });
				res.end(reply.body ?? 'OK');
			}
		});
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	const url = `http://127.0.0.1:${server.address().port}`;
	return {
		url,
		received,
		/** Waits until `count` requests arrived (callbacks that are not awaited by the sandbox). */
		async waitFor(count, timeoutMs = 3000) {
			const deadline = Date.now() + timeoutMs;
			while (received.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
			if (received.length < count) throw new Error(`expected ${count} requests, got ${received.length}`);
			return received;
		},
		close: () => {
			server.closeAllConnections();
			return new Promise((r) => server.close(r));
		},
	};
}

/** A valid create body; overrides replace top-level keys (undefined removes one). */
export function order(shopUrl, overrides = {}) {
	const body = {
		productCode: PRODUCT,
		currency: 'EUR',
		locale: 'et-EE',
		purchase: { purchaseReference: 'order-1', description: 'Order 1: iPhone 15' },
		rentalApplicationData: {
			assets: [{ type: 'MODEL_BASED', modelId: IPHONE, modelName: 'Apple iPhone 15', netPrice: 400 }],
			period: 24,
		},
		...(shopUrl ? { partnerUrls: { returnUrl: `${shopUrl}/return`, cancelUrl: `${shopUrl}/cancel`, callbackUrl: `${shopUrl}/callback` } } : {}),
		...overrides,
	};
	for (const [key, value] of Object.entries(body)) if (value === undefined) delete body[key];
	return body;
}

/** Assets for a hero device at `netPrice` (and optional extra assets). */
export const rental = (netPrice, extra = {}) => ({ assets: [{ type: 'MODEL_BASED', modelId: IPHONE, modelName: 'Apple iPhone 15', netPrice }], period: 24, ...extra });

/** Starts a sandbox (port 0) and returns it with helpers. Close with `t.close()`. */
export async function testSandbox(options = {}) {
	const logs = [];
	const sandbox = await startSandbox({ port: 0, shops: [DEFAULT_SHOP, LV_SHOP], log: (line) => logs.push(line), ...options });
	const api = async (method, path, body, { key = KEY, shopUuid = SHOP, raw, headers = {} } = {}) => {
		const res = await fetch(`${sandbox.url}/partner/v3/shops/${shopUuid}${path}`, {
			method,
			headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json', ...headers },
			body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
		});
		const text = await res.text();
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = undefined;
		}
		return { status: res.status, body: json, text, headers: res.headers };
	};
	const control = async (method, path, body) => {
		const res = await fetch(`${sandbox.url}/__sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
		const text = await res.text();
		return { status: res.status, body: text ? JSON.parse(text) : undefined };
	};
	/** Creates a session (expects 201) and returns { uuid, status, redirectUrl }. */
	const create = async (body, opts) => {
		const res = await api('POST', '/pos-sessions', body, opts);
		if (res.status !== 201) throw new Error(`create answered ${res.status}: ${res.text}`);
		return res.body;
	};
	/** Presses a button on the customer page (a form POST, redirects not followed). */
	const decide = (session, decision) =>
		fetch(`${session.redirectUrl}/decision`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: `decision=${decision}`,
			redirect: 'manual',
		});
	const getSession = async (uuid, opts) => (await api('GET', `/pos-sessions/${uuid}`, undefined, opts)).body;
	/** A session forced to granted through the control API, with its contract uuid. */
	const granted = async (body) => {
		const session = await create(body);
		await control('POST', `/sessions/${session.uuid}/state`, { status: 'granted' });
		return { session, contractUuid: (await getSession(session.uuid)).creditContractUuid };
	};
	return { sandbox, logs, api, control, create, decide, getSession, granted, close: () => sandbox.close() };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
