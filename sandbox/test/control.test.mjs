// The control API: forced states, callback variants (duplicate, forged, tampered, stale, future,
// unsigned), fault injection of each kind, logs, listings, reset, loopback only.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';

import { isLoopback } from '../lib/http.mjs';
import { KEY, order, PRODUCT, receiver, SHOP, signatureOk, sleep, testSandbox } from './helpers.mjs';

describe('control API', () => {
	let t;
	let shop;
	before(async () => {
		shop = await receiver();
		t = await testSandbox();
	});
	after(async () => {
		await t.close();
		await shop.close();
	});
	beforeEach(async () => {
		assert.equal((await t.control('POST', '/reset')).status, 204);
		shop.received.length = 0;
	});

	describe('sessions', () => {
		it('POST /sessions/{uuid}/state drives a session to any state, with its callback', async () => {
			for (const status of ['granted', 'completed', 'declined', 'cancelled', 'expired', 'pending']) {
				const session = await t.create(order(shop.url));
				const res = await t.control('POST', `/sessions/${session.uuid}/state`, { status });
				assert.equal(res.status, 200);
				assert.equal(res.body.session.status, status);
				assert.equal(res.body.callback.httpStatus, 200);
				assert.ok(signatureOk(KEY, res.body.fields));
				assert.equal((await t.getSession(session.uuid)).status, status);
				assert.equal(JSON.parse(shop.received.at(-1).form.message).status, status);
			}
			// A forced completed session has an activated contract; a forced cancel closes the contract.
			const sessions = (await t.control('GET', '/sessions')).body;
			const contracts = (await t.control('GET', '/contracts')).body;
			const completed = sessions.find((s) => s.status === 'completed');
			assert.equal(contracts.find((c) => c.uuid === completed.creditContractUuid).status, 'activated');
			const granted = sessions.find((s) => s.status === 'granted');
			await t.control('POST', `/sessions/${granted.uuid}/state`, { status: 'cancelled' });
			assert.equal((await t.control('GET', `/contracts/${granted.creditContractUuid}`)).body.status, 'cancelled');
			assert.equal((await t.control('POST', `/sessions/${granted.uuid}/state`, { status: 'paid' })).status, 400);
			assert.equal((await t.control('POST', '/sessions/nope/state', { status: 'granted' })).status, 404);
		});

		it('GET /sessions, /sessions/{uuid}, /contracts, /contracts/{uuid} list what is stored (with the shop)', async () => {
			const a = await t.create(order());
			await t.control('POST', `/sessions/${a.uuid}/state`, { status: 'granted' });
			const sessions = (await t.control('GET', '/sessions')).body;
			assert.deepEqual(sessions.map((s) => [s.uuid, s.shopUuid, s.status]), [[a.uuid, SHOP, 'granted']]);
			const one = (await t.control('GET', `/sessions/${a.uuid}`)).body;
			const contract = (await t.control('GET', `/contracts/${one.creditContractUuid}`)).body;
			assert.deepEqual([contract.status, contract.posSessionUuid, contract.shopUuid], ['signed', a.uuid, SHOP]);
			assert.equal((await t.control('GET', '/contracts')).body.length, 1);
			assert.equal((await t.control('GET', '/sessions/unknown')).status, 404);
		});
	});

	describe('callbacks on demand', () => {
		it('duplicate (byte for byte), genuine (fresh), forged, tampered, stale, future and unsigned', async () => {
			const session = await t.create(order(shop.url));
			await t.control('POST', `/sessions/${session.uuid}/state`, { status: 'granted' });
			const original = shop.received[0].form;
			await new Promise((r) => setTimeout(r, 1100)); // a new second, so a fresh signature differs
			const send = async (body) => {
				const res = await t.control('POST', `/sessions/${session.uuid}/callback`, body);
				assert.equal(res.status, 200, JSON.stringify(res.body));
				assert.equal(res.body.callback.httpStatus, 200);
				return shop.received.at(-1).form;
			};
			assert.deepEqual(await send({ variant: 'duplicate' }), original);
			const genuine = await send({});
			assert.ok(signatureOk(KEY, genuine));
			assert.equal(genuine.message, original.message);
			assert.notEqual(genuine.timestamp, original.timestamp);
			assert.equal(signatureOk(KEY, await send({ variant: 'forged' })), false);
			const tampered = await send({ variant: 'tampered' });
			assert.equal(signatureOk(KEY, tampered), false);
			assert.equal(JSON.parse(tampered.message).status, 'completed');
			const stale = await send({ variant: 'stale' });
			assert.ok(signatureOk(KEY, stale));
			assert.ok(Math.abs(Number(stale.timestamp) - (Date.now() / 1000 - 3600)) < 5);
			const older = await send({ variant: 'stale', ageSeconds: 600 });
			assert.ok(Math.abs(Number(older.timestamp) - (Date.now() / 1000 - 600)) < 5);
			const future = await send({ variant: 'future' });
			assert.ok(signatureOk(KEY, future) && Number(future.timestamp) > Date.now() / 1000 + 3000);
			assert.deepEqual(Object.keys(await send({ variant: 'unsigned' })), ['message']);
			const log = (await t.control('GET', '/callbacks')).body;
			assert.deepEqual(log.map((c) => c.variant), ['genuine', 'duplicate', 'genuine', 'forged', 'tampered', 'stale', 'stale', 'future', 'unsigned']);
			// After a fresh genuine one, "duplicate" repeats that one.
			assert.deepEqual(await send({ variant: 'duplicate' }), genuine);
		});

		it('to another url; 409 without a target or before any callback to duplicate; 400 for a bad variant', async () => {
			const session = await t.create(order());
			const other = await receiver();
			try {
				assert.equal((await t.control('POST', `/sessions/${session.uuid}/callback`, {})).status, 409);
				assert.equal((await t.control('POST', `/sessions/${session.uuid}/callback`, { variant: 'duplicate', url: `${other.url}/x` })).status, 409);
				const res = await t.control('POST', `/sessions/${session.uuid}/callback`, { url: `${other.url}/x` });
				assert.equal(res.body.callback.httpStatus, 200);
				assert.equal(JSON.parse(other.received[0].form.message).status, 'pending');
				assert.equal((await t.control('POST', `/sessions/${session.uuid}/callback`, { variant: 'weird', url: `${other.url}/x` })).status, 400);
				assert.equal((await t.control('POST', `/sessions/${session.uuid}/callback`, { url: 'ftp://x' })).status, 400);
			} finally {
				await other.close();
			}
		});
	});

	describe('faults', () => {
		const get = () => fetch(`${t.sandbox.url}/partner/v3/shops/${SHOP}/pos-sessions/x`, { headers: { authorization: `Bearer ${KEY}` } });

		it('status: 429 with Retry-After for the next N matching requests, then normal again', async () => {
			const added = await t.control('POST', '/faults', { mode: 'status', status: 429, retryAfter: 3, count: 2, method: 'get', path: '/pos-sessions/' });
			assert.equal(added.status, 201);
			assert.deepEqual((await t.control('GET', '/faults')).body.map((f) => [f.mode, f.status, f.count, f.method]), [['status', 429, 2, 'GET']]);
			// A non-matching request is untouched and does not use the fault up.
			assert.equal((await t.api('POST', '/pos-sessions', order())).status, 201);
			for (let i = 0; i < 2; i++) {
				const res = await t.api('GET', '/pos-sessions/x');
				assert.deepEqual([res.status, res.body, res.headers.get('retry-after')], [429, { message: 'Too Many Requests' }, '3']);
			}
			assert.equal((await t.api('GET', '/pos-sessions/x')).status, 404);
			assert.deepEqual((await t.control('GET', '/faults')).body, []);
		});

		it('status: 500, 502 and 503 in Inbank’s { message } shape, before authentication', async () => {
			for (const [status, message] of [[500, 'internal_server_error'], [502, 'bad_gateway'], [503, 'service_unavailable']]) {
				await t.control('POST', '/faults', { status });
				const res = await t.api('GET', '/pos-sessions/x', undefined, { key: '' });
				assert.deepEqual([res.status, res.body], [status, { message }]);
			}
			await t.control('POST', '/faults', {});
			assert.equal((await t.api('GET', '/pos-sessions/x')).status, 500, 'the default fault is a 500');
		});

		it('slow: answers normally after delayMs', async () => {
			await t.control('POST', '/faults', { mode: 'slow', delayMs: 300 });
			const started = Date.now();
			const res = await t.api('GET', '/pos-sessions/x');
			assert.ok(Date.now() - started >= 290);
			assert.equal(res.status, 404);
		});

		it('delayed: answers, after delayMs, what the API said when the request arrived', async () => {
			const session = await t.create(order(shop.url));
			await t.control('POST', '/faults', { mode: 'delayed', delayMs: 400, method: 'GET', path: '/pos-sessions/' });
			const started = Date.now();
			const read = t.api('GET', `/pos-sessions/${session.uuid}`);
			await sleep(100);
			// The session moves on while the read is on its way back.
			assert.equal((await t.control('POST', `/sessions/${session.uuid}/state`, { status: 'granted' })).status, 200);
			const answer = await read;
			assert.ok(Date.now() - started >= 390);
			assert.deepEqual([answer.status, answer.body.status, answer.body.uuid], [200, 'pending', session.uuid]);
			assert.equal((await t.getSession(session.uuid)).status, 'granted');
			const log = (await t.control('GET', '/requests')).body;
			assert.deepEqual(log.filter((r) => r.method === 'GET').map((r) => [r.status, r.fault]), [[200, 'delayed'], [200, undefined]]);
		});

		it('drop: the connection closes without an answer', async () => {
			await t.control('POST', '/faults', { mode: 'drop' });
			await assert.rejects(get());
			const log = (await t.control('GET', '/requests')).body;
			assert.deepEqual([log.at(-1).fault, log.at(-1).status], ['drop', null]);
		});

		it('non-json: a 502 HTML page; truncated: a 200 whose JSON is cut short', async () => {
			await t.control('POST', '/faults', { mode: 'non-json' });
			const html = await get();
			assert.deepEqual([html.status, html.headers.get('content-type')], [502, 'text/html; charset=utf-8']);
			assert.match(await html.text(), /^<html>/);
			await t.control('POST', '/faults', { mode: 'non-json', status: 503 });
			assert.equal((await get()).status, 503);
			await t.control('POST', '/faults', { mode: 'truncated' });
			const cut = await get();
			assert.deepEqual([cut.status, cut.headers.get('content-type')], [200, 'application/json']);
			const text = await cut.text();
			assert.throws(() => JSON.parse(text), SyntaxError);
		});

		it('matches by path substring and method; refuses bad specs; DELETE clears', async () => {
			await t.control('POST', '/faults', { status: 503, path: '/activation', count: 5 });
			assert.equal((await t.api('GET', '/pos-sessions/x')).status, 404);
			assert.equal((await t.api('POST', `/rental/products/${PRODUCT}/contracts/x/activation`)).status, 503);
			assert.equal((await t.control('DELETE', '/faults')).status, 204);
			assert.equal((await t.api('POST', `/rental/products/${PRODUCT}/contracts/x/activation`)).status, 404);
			for (const [spec, message] of [
				[{ mode: 'explode' }, /mode must be one of status, slow, delayed, drop, non-json, truncated/],
				[{ status: 200 }, /status must be an HTTP error status/],
				[{ count: 0 }, /count must be a whole number/],
				[{ mode: 'slow', delayMs: -1 }, /delayMs/],
				[{ mode: 'delayed', delayMs: 120_001 }, /delayMs/],
				[{ retryAfter: 'soon' }, /retryAfter/],
				[{ path: 5 }, /path must be a string/],
			]) {
				const res = await t.control('POST', '/faults', spec);
				assert.equal(res.status, 400);
				assert.match(res.body.message, message);
			}
			assert.deepEqual((await t.control('GET', '/faults')).body, []);
		});
	});

	describe('logs, config, reset', () => {
		it('GET /requests (with ?since=), GET /callbacks, GET /config (no keys), GET /health, POST /reset', async () => {
			await t.create(order());
			await t.api('GET', '/pos-sessions/x');
			const log = (await t.control('GET', '/requests')).body;
			assert.deepEqual(log.map((r) => [r.method, r.path.replace(`/partner/v3/shops/${SHOP}`, ''), r.status]), [['POST', '/pos-sessions', 201], ['GET', '/pos-sessions/x', 404]]);
			assert.equal(log[0].body.productCode, PRODUCT);
			assert.deepEqual((await t.control('GET', '/requests?since=1')).body, [log[1]]);
			const config = (await t.control('GET', '/config')).body;
			assert.deepEqual(config.shops.map((s) => Object.keys(s)), [['uuid', 'country', 'name'], ['uuid', 'country', 'name']]);
			assert.equal(config.signing, 'hmac-sha512');
			assert.equal(JSON.stringify(config).includes(KEY), false);
			assert.deepEqual((await t.control('GET', '/health')).body, { ok: true, sessions: 1, contracts: 0 });
			await t.control('POST', '/reset');
			assert.deepEqual([(await t.control('GET', '/requests')).body, (await t.control('GET', '/sessions')).body, (await t.control('GET', '/callbacks')).body], [[], [], []]);
		});

		it('unknown control paths 404; a body that is not JSON 400', async () => {
			assert.equal((await t.control('GET', '/nothing')).status, 404);
			const res = await fetch(`${t.sandbox.url}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'nope' });
			assert.equal(res.status, 400);
		});

		it('answers loopback peers only (address)', async () => {
			assert.deepEqual(['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.1.2.3', '10.0.0.2', '::ffff:192.168.1.2', '', undefined].map((a) => isLoopback(a)), [true, true, true, true, false, false, false, false]);
			// Over IPv4 loopback it answers (a remote peer cannot be simulated here without a second interface).
			const status = await new Promise((resolve, reject) => {
				request(`${t.sandbox.url}/__sandbox/health`, (res) => resolve(res.statusCode)).on('error', reject).end();
			});
			assert.equal(status, 200);
		});
	});
	// A web page in the developer's browser reaches 127.0.0.1 too (a cross-site form or fetch, or a name it
	// rebinds to 127.0.0.1): the control API must not answer it as it answers a test.
	describe('refuses what a web page could send', () => {
		const port = () => t.sandbox.port;
		const fault = JSON.stringify({ mode: 'status', status: 503 });

		it('a text/plain POST with a foreign Origin and Host: refused, no fault added', async () => {
			const res = await raw('POST', '/faults', { host: `evil.example:${port()}`, origin: 'http://evil.example', 'content-type': 'text/plain' }, fault);
			assert.equal(res.status, 403);
			assert.deepEqual((await t.control('GET', '/faults')).body, []);
		});

		it('a state-changing request without Content-Type: application/json: 415 naming it, nothing changed', async () => {
			for (const [method, path, type, body] of [
				['POST', '/faults', 'text/plain', fault],
				['POST', '/faults', 'application/x-www-form-urlencoded', 'mode=status'],
				['POST', '/faults', 'multipart/form-data; boundary=x', fault],
				['POST', '/faults', undefined, fault],
				['POST', '/reset', undefined, ''], // an empty cross-site form post
				['DELETE', '/faults', 'text/plain', ''],
				['PUT', '/faults', 'text/plain', fault],
			]) {
				const res = await raw(method, path, type ? { 'content-type': type } : {}, body);
				assert.equal(res.status, 415, `${method} ${path} as ${type}`);
				assert.match(res.json.message, /Content-Type: application\/json/);
			}
			assert.deepEqual((await t.control('GET', '/faults')).body, []);
			// A GET with a body needs it too; a plain GET does not.
			assert.equal((await raw('GET', '/health', { 'content-type': 'text/plain' }, 'x')).status, 415);
			assert.equal((await raw('GET', '/health', {}, '')).status, 200);
		});

		it('a foreign or null Origin: 403 on reads and writes, whatever the content type', async () => {
			for (const origin of ['http://evil.example', 'https://127.0.0.1.evil.example', 'null', `http://127.0.0.1:${port() + 1}`, `https://127.0.0.1:${port()}`, `http://localhost:${port()}/x`, 'not a url']) {
				const post = await raw('POST', '/faults', { origin, 'content-type': 'application/json' }, fault);
				assert.equal(post.status, 403, `POST with Origin ${origin}`);
				assert.match(post.json.message, /Origin/);
				assert.equal((await raw('GET', '/config', { origin }, '')).status, 403, `GET with Origin ${origin}`);
			}
			for (const site of ['cross-site', 'same-site']) assert.equal((await raw('POST', '/faults', { 'sec-fetch-site': site, 'content-type': 'application/json' }, fault)).status, 403);
			assert.deepEqual((await t.control('GET', '/faults')).body, []);
		});

		it('a Host that is not this machine at this port (DNS rebinding): 403 on reads and writes', async () => {
			for (const host of [`evil.example:${port()}`, 'evil.example', `127.0.0.1:${port() + 1}`, '127.0.0.1', `localhost.evil.example:${port()}`, `10.0.0.2:${port()}`]) {
				const post = await raw('POST', '/faults', { host, 'content-type': 'application/json' }, fault);
				assert.equal(post.status, 403, `POST with Host ${host}`);
				assert.match(post.json.message, /Host/);
				assert.equal((await raw('GET', '/sessions', { host }, '')).status, 403, `GET with Host ${host}`);
			}
			assert.deepEqual((await t.control('GET', '/faults')).body, []);
		});

		it('POST …/callback {url} from a web page sends nothing anywhere', async () => {
			const session = await t.create(order(shop.url));
			await t.control('POST', `/sessions/${session.uuid}/state`, { status: 'granted' });
			shop.received.length = 0;
			const sent = t.sandbox.state.callbackLog.length;
			const body = JSON.stringify({ variant: 'genuine', url: `${shop.url}/stolen` });
			for (const headers of [{ origin: 'http://evil.example', 'content-type': 'application/json' }, { 'content-type': 'text/plain' }, { host: `rebound.example:${port()}`, 'content-type': 'application/json' }]) {
				assert.ok([403, 415].includes((await raw('POST', `/sessions/${session.uuid}/callback`, headers, body)).status));
			}
			assert.equal(t.sandbox.state.callbackLog.length, sent);
			assert.deepEqual(shop.received, []);
		});

		it('still answers the tools: loopback Host names, the sandbox\'s own origin, JSON with a charset', async () => {
			for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, `LOCALHOST:${port()}`, `[::1]:${port()}`]) {
				assert.equal((await raw('POST', '/faults', { host, 'content-type': 'application/json; charset=utf-8' }, fault)).status, 201, host);
			}
			for (const origin of [`http://127.0.0.1:${port()}`, `http://localhost:${port()}`, `http://[::1]:${port()}`]) {
				assert.equal((await raw('POST', '/faults', { origin, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' }, fault)).status, 201, origin);
			}
			assert.equal((await t.control('GET', '/faults')).body.length, 7);
			assert.equal((await raw('DELETE', '/faults', { 'content-type': 'application/json' }, '')).status, 204);
		});

		it('the customer page\'s own form post still decides (it is not part of the control API)', async () => {
			const session = await t.create(order(shop.url));
			const res = await raw('POST', `/session/${session.uuid}/decision`, { origin: `http://127.0.0.1:${port()}`, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' }, 'decision=approve', '');
			assert.equal(res.status, 303);
			assert.equal((await t.getSession(session.uuid)).status, 'granted');
		});
	});

	/** One request with exactly these headers (fetch cannot set Host); JSON answers parsed. */
	function raw(method, path, headers, body, prefix = '/__sandbox') {
		return new Promise((resolve, reject) => {
			const req = request(`${t.sandbox.url}${prefix}${path}`, { method, headers: { 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
				let text = '';
				res.on('data', (c) => (text += c));
				res.on('end', () => {
					let json;
					try {
						json = JSON.parse(text);
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode, json });
				});
			});
			req.on('error', reject);
			req.end(body);
		});
	}
});
