// The Inbank Smart Rent Trigger in a real, published n8n workflow: signed callbacks run once; forged,
// unsigned and replayed ones get 401 and run nothing; the browser + server duplicate runs once, also
// after an n8n restart; the status filter holds. Each execution posts its item to a local recorder, so
// the recorder's requests are the executions.
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';

import { N8n, triggerWorkflow } from './lib/n8n.mjs';

const require = createRequire(import.meta.url);
const { startRecorder } = require('../support/http-recorder.js');

const SHOP = 'a93f1f44-d5dd-4469-bfcc-c1de9e969213';
const KEY = `sk_trigger_${randomBytes(12).toString('hex')}`;
const CREDENTIAL = { id: 'inbankTrig00001', name: 'Inbank stand-in' };
const WEBHOOK_ID = randomUUID();
const FILTERED_WEBHOOK_ID = randomUUID();

function sign(status, uuid, { key = KEY, timestamp = Math.floor(Date.now() / 1000) } = {}) {
	const message = JSON.stringify({ uuid, status });
	const hmac = createHmac('sha512', key).update(`${timestamp}.${message}`).digest('hex');
	return { hmac, timestamp: String(timestamp), message };
}

const form = (fields) => ({
	method: 'POST',
	headers: { 'content-type': 'application/x-www-form-urlencoded' },
	body: new URLSearchParams(fields).toString(),
});


async function settle(recorder, count, timeoutMs = 15_000) {
	const deadline = Date.now() + timeoutMs;
	while (recorder.requests.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
	// A little longer, so that an unexpected extra execution would be seen too.
	await new Promise((r) => setTimeout(r, 1500));
}

describe('Inbank Smart Rent Trigger in a real n8n', { timeout: 900_000 }, () => {
	let n8n;
	let recorder;
	const path = `${WEBHOOK_ID}/callback`;
	const executions = (workflow = 'trigAll00000001') => recorder.requests.filter((r) => r.path === `/executions/${workflow}`);

	before(async () => {
		recorder = await startRecorder(() => ({ status: 200, body: { ok: true } }));
		n8n = await N8n.create();
		await n8n.importCredentials([
			{ ...CREDENTIAL, type: 'inbankApi', data: { apiKey: KEY, environment: 'demo', country: 'ee', shopUuid: SHOP, baseUrl: 'http://127.0.0.1:9' } },
		]);
		await n8n.importWorkflows([
			triggerWorkflow('trigAll00000001', WEBHOOK_ID, {}, recorder.baseUrl, CREDENTIAL),
			// Version 1 (workflows built before 1.1) behaves the same.
			triggerWorkflow('trigDone0000001', FILTERED_WEBHOOK_ID, { statuses: ['completed'] }, recorder.baseUrl, CREDENTIAL, { typeVersion: 1 }),
		]);
		await n8n.publish('trigAll00000001');
		await n8n.publish('trigDone0000001');
		await n8n.start();
	});

	after(async () => {
		await n8n?.stop();
		await recorder?.close();
	});

	it('a signed callback runs the workflow once, with the documented item', async () => {
		const uuid = randomUUID();
		const res = await n8n.webhook(path, form(sign('granted', uuid)));
		assert.equal(res.status, 200, await res.text());
		await settle(recorder, 1);
		const runs = executions();
		assert.equal(runs.length, 1);
		assert.equal(runs[0].json.uuid, uuid);
		assert.equal(runs[0].json.status, 'granted');
		assert.equal(runs[0].json.verification, 'signature');
		assert.equal(JSON.stringify(runs[0].json).includes('hmac'), false);
	});

	it('a signed callback with a content type n8n does not parse is read and verified all the same', async () => {
		recorder.requests.length = 0;
		const uuid = randomUUID();
		const body = JSON.stringify(sign('granted', uuid));
		const res = await n8n.webhook(path, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });
		assert.equal(res.status, 200, await res.text());
		const forged = JSON.stringify(sign('granted', randomUUID(), { key: 'not-the-key' }));
		const refused = await n8n.webhook(path, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: forged });
		assert.equal(refused.status, 401);
		await settle(recorder, 1);
		assert.deepEqual(
			executions().map((r) => r.json.uuid),
			[uuid],
		);
	});

	it('forged, tampered, unsigned and replayed callbacks get 401 and run nothing', async () => {
		recorder.requests.length = 0;
		const uuid = randomUUID();
		const good = sign('completed', uuid);
		const attempts = [
			['forged', form(sign('completed', uuid, { key: 'not-the-key' }))],
			['tampered', form({ ...good, message: JSON.stringify({ uuid, status: 'cancelled' }) })],
			['unsigned', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uuid, status: 'completed' }) }],
			['replayed (stale)', form(sign('completed', uuid, { timestamp: Math.floor(Date.now() / 1000) - 3600 }))],
		];
		for (const [name, init] of attempts) {
			const res = await n8n.webhook(path, init);
			assert.equal(res.status, 401, `${name}: ${res.status}`);
		}
		const malformed = await n8n.webhook(path, form({ ...good, message: 'not json' }));
		assert.equal(malformed.status, 400);
		await settle(recorder, 0, 1000);
		assert.equal(executions().length, 0);
		assert.match(n8n.log(), /refused a callback \(401\): the hmac does not match/);
		assert.equal(n8n.log().includes(KEY), false);
	});

	it('the same delivery by browser (GET) and server (POST) runs once, also after a restart', async () => {
		recorder.requests.length = 0;
		const uuid = randomUUID();
		const fields = sign('completed', uuid);
		const [server, browser] = await Promise.all([
			n8n.webhook(path, form(fields)),
			n8n.webhook(`${path}?${new URLSearchParams(fields)}`, { method: 'GET' }),
		]);
		assert.equal(server.status, 200);
		assert.equal(browser.status, 200);
		await settle(recorder, 1);
		assert.equal(executions().length, 1);

		// Restart: only what n8n stored survives.
		await n8n.stopServer();
		await n8n.start();
		const retry = await n8n.webhook(path, form(sign('completed', uuid)));
		assert.equal(retry.status, 200);
		const next = await n8n.webhook(path, form(sign('cancelled', uuid)));
		assert.equal(next.status, 200);
		await settle(recorder, 2);
		assert.deepEqual(
			executions().map((r) => r.json.status),
			['completed', 'cancelled'],
		);
	});

	it('the status filter holds: unselected statuses are acknowledged and run nothing', async () => {
		recorder.requests.length = 0;
		const uuid = randomUUID();
		const filteredPath = `${FILTERED_WEBHOOK_ID}/callback`;
		const pending = await n8n.webhook(filteredPath, form(sign('pending', uuid)));
		assert.equal(pending.status, 200);
		const completed = await n8n.webhook(filteredPath, form(sign('completed', uuid)));
		assert.equal(completed.status, 200);
		await settle(recorder, 1);
		assert.deepEqual(
			executions('trigDone0000001').map((r) => r.json.status),
			['completed'],
		);
	});

	it('concurrent copies of one delivery run once', async () => {
		recorder.requests.length = 0;
		const fields = sign('granted', randomUUID());
		const answers = await Promise.all(Array.from({ length: 10 }, () => n8n.webhook(path, form(fields))));
		assert.deepEqual(
			answers.map((a) => a.status),
			Array(10).fill(200),
		);
		await settle(recorder, 1);
		assert.equal(executions().length, 1);
	});
});
