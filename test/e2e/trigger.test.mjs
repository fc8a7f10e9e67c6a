// The Inbank Smart Rent Trigger in a real, published n8n workflow: signed callbacks run once; forged,
// unsigned and replayed ones get 401 and run nothing; the browser + server duplicate runs once, also
// after an n8n restart; the status filter holds; a late `granted` after `completed` runs nothing; a
// callback refused once (503) runs when Inbank retries; three deliveries, a restart, the same three
// again run three times in all. Every accepted callback and every repeat is answered 200 with the body
// OK. Each execution that runs downstream posts its item to a local recorder, so the recorder's
// requests are those runs; n8n's own database counts the executions.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { form, signedFields } from './lib/callbacks.mjs';
import { N8n, triggerWorkflow } from './lib/n8n.mjs';

const require = createRequire(import.meta.url);
const { startRecorder } = require('../support/http-recorder.js');

const { API_KEY: KEY, credentials, SHOP_UUID: SHOP } = require('../support/fixtures.js');
const CREDENTIAL = { id: 'inbankTrig00001', name: 'Inbank stand-in' };
const WEBHOOK_ID = randomUUID();
const FILTERED_WEBHOOK_ID = randomUUID();
const FETCH_WEBHOOK_ID = randomUUID();
const TOKEN_WEBHOOK_ID = randomUUID();
const TOKEN = randomBytes(24).toString('hex');
const ROUTED_WEBHOOK_ID = randomUUID();
const ROUTED_STATUSES = ['expired', 'completed'];
// A credential whose API host is a local stand-in for Inbank's GET session.
const FETCHING = { id: 'inbankTrig00002', name: 'Inbank session stand-in' };

/** Inbank's reading of an answer: accepted (or a repeat acknowledged) is 200 with exactly the body OK. */
async function assertOk(res, what = '') {
	assert.deepEqual([res.status, await res.text()], [200, 'OK'], what);
}


/** Rows from n8n's own SQLite database (read-only, with the runtime's Node 24 and its node:sqlite). */
async function query(n8n, sql) {
	const script = `const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(${JSON.stringify(join(n8n.home, '.n8n', 'database.sqlite'))}, { readOnly: true });
console.log(JSON.stringify(db.prepare(${JSON.stringify(sql)}).all()));`;
	const { stdout } = await promisify(execFile)(n8n.runtime.nodeBin, ['-e', script]);
	return JSON.parse(stdout);
}

/**
 * A trigger routing Statuses = expired, completed to their own outputs, each output (by position, as n8n
 * keeps connections) posting to the recorder under the status it is meant for.
 */
function routedWorkflow(id, webhookId, recorderUrl, outputOf) {
	const base = triggerWorkflow(id, webhookId, { routeByStatus: true, statuses: ROUTED_STATUSES }, recorderUrl, CREDENTIAL);
	const [trigger, record] = base.nodes;
	const records = ROUTED_STATUSES.map((status, i) => ({
		...record,
		id: `r-${status}`,
		name: `Record ${status}`,
		position: [240, i * 160],
		parameters: { ...record.parameters, url: `${recorderUrl}/executions/${id}/${status}` },
	}));
	const main = [];
	for (const status of ROUTED_STATUSES) main[outputOf(status)] = [{ node: `Record ${status}`, type: 'main', index: 0 }];
	for (let i = 0; i < main.length; i++) main[i] ??= [];
	return { ...base, nodes: [trigger, ...records], connections: { [trigger.name]: { main } } };
}

async function settle(recorder, count, timeoutMs = 15_000) {
	const deadline = Date.now() + timeoutMs;
	while (recorder.requests.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
	// A little longer, so that an unexpected extra execution would be seen too.
	await new Promise((r) => setTimeout(r, 1500));
}

describe('Inbank Smart Rent Trigger in a real n8n', { timeout: 900_000 }, () => {
	let n8n;
	let recorder;
	let inbank;
	/** Inbank's record per session uuid; `failures` answers 500 that many times first. */
	const sessions = new Map();
	const path = `${WEBHOOK_ID}/callback`;
	const executions = (workflow = 'trigAll00000001') => recorder.requests.filter((r) => r.path === `/executions/${workflow}`);

	before(async () => {
		recorder = await startRecorder(() => ({ status: 200, body: { ok: true } }));
		inbank = await startRecorder((request) => {
			const prefix = `/partner/v3/shops/${SHOP}/pos-sessions/`;
			const session = request.path.startsWith(prefix) ? sessions.get(decodeURIComponent(request.path.slice(prefix.length))) : undefined;
			if (!session) return { status: 404, body: { message: 'not_found' } };
			if (session.failures > 0) {
				session.failures--;
				return { status: 500, body: { message: 'internal error' } };
			}
			return { status: 200, body: session.record };
		});
		n8n = await N8n.create();
		await n8n.importCredentials([
			{ ...CREDENTIAL, type: 'inbankApi', data: credentials('http://127.0.0.1:9') },
			{ ...FETCHING, type: 'inbankApi', data: credentials(inbank.baseUrl) },
		]);
		await n8n.importWorkflows([
			triggerWorkflow('trigAll00000001', WEBHOOK_ID, {}, recorder.baseUrl, CREDENTIAL),
			triggerWorkflow('trigDone0000001', FILTERED_WEBHOOK_ID, { statuses: ['completed'] }, recorder.baseUrl, CREDENTIAL),
			triggerWorkflow('trigFetch000001', FETCH_WEBHOOK_ID, { fetchSession: true }, recorder.baseUrl, FETCHING),
			triggerWorkflow('trigToken000001', TOKEN_WEBHOOK_ID, { verification: 'urlToken', callbackToken: TOKEN, fetchSession: true }, recorder.baseUrl, FETCHING),
			// Outputs for the selected statuses only, in the fixed order (completed, expired).
			routedWorkflow('trigRoute000001', ROUTED_WEBHOOK_ID, recorder.baseUrl, (status) => ['completed', 'expired'].indexOf(status)),
		]);
		for (const id of ['trigAll00000001', 'trigDone0000001', 'trigFetch000001', 'trigToken000001', 'trigRoute000001']) await n8n.publish(id);
		await n8n.start();
	});

	after(async () => {
		await n8n?.stop();
		await recorder?.close();
		await inbank?.close();
	});

	it('a signed callback runs the workflow once, with the documented item', async () => {
		const uuid = randomUUID();
		const res = await n8n.webhook(path, form(signedFields(uuid, 'granted', KEY)));
		await assertOk(res);
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
		const body = JSON.stringify(signedFields(uuid, 'granted', KEY));
		const res = await n8n.webhook(path, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });
		await assertOk(res);
		const forged = JSON.stringify(signedFields(randomUUID(), 'granted', 'not-the-key'));
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
		const good = signedFields(uuid, 'completed', KEY);
		const attempts = [
			['forged', form(signedFields(uuid, 'completed', 'not-the-key'))],
			['tampered', form({ ...good, message: JSON.stringify({ uuid, status: 'cancelled' }) })],
			['unsigned', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uuid, status: 'completed' }) }],
			['replayed (stale)', form(signedFields(uuid, 'completed', KEY, { timestamp: Math.floor(Date.now() / 1000) - 3600 }))],
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
		const fields = signedFields(uuid, 'completed', KEY);
		const [server, browser] = await Promise.all([
			n8n.webhook(path, form(fields)),
			n8n.webhook(`${path}?${new URLSearchParams(fields)}`, { method: 'GET' }),
		]);
		await assertOk(server, 'server');
		await assertOk(browser, 'browser');
		await settle(recorder, 1);
		assert.equal(executions().length, 1);

		// Restart: only what n8n stored survives.
		await n8n.stopServer();
		await n8n.start();
		const retry = await n8n.webhook(path, form(signedFields(uuid, 'completed', KEY)));
		await assertOk(retry, 'retry');
		const next = await n8n.webhook(path, form(signedFields(uuid, 'cancelled', KEY)));
		await assertOk(next, 'next');
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
		const pending = await n8n.webhook(filteredPath, form(signedFields(uuid, 'pending', KEY)));
		await assertOk(pending, 'pending');
		const completed = await n8n.webhook(filteredPath, form(signedFields(uuid, 'completed', KEY)));
		await assertOk(completed, 'completed');
		await settle(recorder, 1);
		assert.deepEqual(
			executions('trigDone0000001').map((r) => r.json.status),
			['completed'],
		);
	});

	it('routes each selected status to the output named after it', async () => {
		recorder.requests.length = 0;
		const sent = [];
		for (const status of ['completed', 'expired', 'granted']) {
			const uuid = randomUUID();
			const res = await n8n.webhook(`${ROUTED_WEBHOOK_ID}/callback`, form(signedFields(uuid, status, KEY)));
			await assertOk(res, status);
			if (status !== 'granted') sent.push([`/executions/trigRoute000001/${status}`, uuid, status]);
		}
		await settle(recorder, sent.length);
		assert.deepEqual(
			recorder.requests.map((r) => [r.path, r.json.uuid, r.json.status]).sort(),
			sent.sort(),
		);
	});

	it('concurrent copies of one delivery run once', async () => {
		recorder.requests.length = 0;
		const fields = signedFields(randomUUID(), 'granted', KEY);
		const answers = await Promise.all(Array.from({ length: 10 }, () => n8n.webhook(path, form(fields))));
		assert.deepEqual(
			await Promise.all(answers.map(async (a) => [a.status, await a.text()])),
			Array(10).fill([200, 'OK']),
		);
		await settle(recorder, 1);
		assert.equal(executions().length, 1);
	});

	it('a late granted, after Inbank already reports completed, starts nothing (also after a restart)', async () => {
		recorder.requests.length = 0;
		const uuid = randomUUID();
		const fetchPath = `${FETCH_WEBHOOK_ID}/callback`;
		sessions.set(uuid, { failures: 0, record: { uuid, status: 'completed', creditContractUuid: 'contract-e2e-1', purchase: { purchaseReference: 'order-e2e-1' } } });
		await assertOk(await n8n.webhook(fetchPath, form(signedFields(uuid, 'completed', KEY))));
		await settle(recorder, 1);
		await assertOk(await n8n.webhook(fetchPath, form(signedFields(uuid, 'granted', KEY))));
		await n8n.stopServer();
		await n8n.start();
		await assertOk(await n8n.webhook(fetchPath, form(signedFields(uuid, 'granted', KEY))));
		await settle(recorder, 2, 4000);
		const runs = executions('trigFetch000001');
		assert.deepEqual(
			runs.map((r) => [r.json.status, r.json.contractUuid, r.json.purchaseReference]),
			[['completed', 'contract-e2e-1', 'order-e2e-1']],
		);
	});

	it('a callback refused once (Inbank could not be read: 503) runs when Inbank sends it again', async () => {
		recorder.requests.length = 0;
		const uuid = randomUUID();
		sessions.set(uuid, { failures: 1, record: { uuid, status: 'granted' } });
		const tokenPath = `${TOKEN_WEBHOOK_ID}/callback?token=${TOKEN}`;
		const plain = () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uuid, status: 'granted' }) });
		const first = await n8n.webhook(tokenPath, plain());
		assert.equal(first.status, 503, await first.text());
		await settle(recorder, 0, 1000);
		assert.equal(executions('trigToken000001').length, 0);
		const retry = await n8n.webhook(tokenPath, plain());
		await assertOk(retry, 'retry');
		const again = await n8n.webhook(tokenPath, plain());
		await assertOk(again, 'again');
		await settle(recorder, 1);
		assert.deepEqual(
			executions('trigToken000001').map((r) => [r.json.uuid, r.json.status]),
			[[uuid, 'granted']],
		);
		assert.match(n8n.log(), /refused a callback \(503\): session ".+" could not be read from Inbank/);
	});

	it('three distinct deliveries, an n8n restart, the same three again: three runs in all', async () => {
		recorder.requests.length = 0;
		const deliveries = [randomUUID(), randomUUID(), randomUUID()].map((uuid) => signedFields(uuid, 'granted', KEY));
		for (const fields of deliveries) await assertOk(await n8n.webhook(path, form(fields)));
		await settle(recorder, 3);
		await n8n.stopServer();
		await n8n.start();
		// Freshly signed copies of the same three deliveries, as Inbank would send them again.
		for (const fields of deliveries) {
			const { uuid, status } = JSON.parse(fields.message);
			await assertOk(await n8n.webhook(path, form(signedFields(uuid, status, KEY))));
		}
		await settle(recorder, 4, 5000);
		assert.equal(executions().length, 3);
		// n8n's database: one row of handled deliveries for this node, holding them.
		const row = await query(n8n, "SELECT value FROM processed_data WHERE workflowId = 'trigAll00000001'");
		assert.equal(row.length, 1);
		assert.ok(JSON.parse(row[0].value).data.length >= 3);
	});
});
