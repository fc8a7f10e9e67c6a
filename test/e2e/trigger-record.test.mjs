// The Inbank Smart Rent Trigger against Inbank's record of the session, in a real n8n with the Inbank
// sandbox as Inbank: a status change that arrives while the read for an earlier one is still on its way
// back runs (the sandbox's `delayed` fault answers the state the session had when the read arrived);
// the item's business fields are Inbank's, whatever an unsigned caller sends, and the Callback URL's
// token stays out of it; one session spelt in two letter cases runs once. Every accepted callback, in
// production and from the editor's Test URL, is answered 200 with the body OK.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';

import { DEFAULT_SHOP, startSandbox } from '../../sandbox/server.mjs';
import { order } from '../../sandbox/test/helpers.mjs';
import { form, json, signedFields } from './lib/callbacks.mjs';
import { createSandboxSession, sandboxControl, sandboxCredential } from './lib/flow.mjs';
import { N8n, N8N_VERSION, triggerWorkflow } from './lib/n8n.mjs';

const require = createRequire(import.meta.url);
const { startRecorder } = require('../support/http-recorder.js');

const CREDENTIAL = { id: 'inbankTrigRec01', name: 'Inbank sandbox' };
const TOKEN = randomBytes(24).toString('hex');
const WORKFLOWS = {
	signed: { id: 'trigRecSigned01', webhookId: randomUUID(), parameters: { fetchSession: true } },
	none: { id: 'trigRecNone0001', webhookId: randomUUID(), parameters: { verification: 'none', fetchSession: true } },
	token: { id: 'trigRecToken001', webhookId: randomUUID(), parameters: { verification: 'urlToken', callbackToken: TOKEN, fetchSession: true } },
	// Not published: reached through the editor's Test URL only.
	editor: { id: 'trigRecEditor01', webhookId: randomUUID(), parameters: { fetchSession: false } },
};


describe(`Inbank Smart Rent Trigger against Inbank's record in a real n8n ${N8N_VERSION}`, { timeout: 900_000 }, () => {
	let n8n;
	let sandbox;
	let recorder;
	let cookie;

	const control = (method, path, body) => sandboxControl(sandbox.url, method, path, body);
	/** A new POS session at the sandbox (201), created as the shop would. */
	const createSession = (overrides = {}) => createSandboxSession(sandbox.url, order(undefined, overrides));
	/** The shop's partner URLs with the Callback URL given (Inbank requires the other two). */
	const partnerUrls = (callbackUrl) => ({ returnUrl: 'https://shop.example.com/return', cancelUrl: 'https://shop.example.com/cancel', callbackUrl });
	const productionUrl = (workflow) => `${n8n.baseUrl}/webhook/${WORKFLOWS[workflow].webhookId}/callback`;
	/** The items that ran downstream for a session, in whatever spelling their uuid came out. */
	const runsOf = (workflow, uuid) => recorder.requests.filter((r) => r.path === `/executions/${WORKFLOWS[workflow].id}` && String(r.json.uuid).toLowerCase() === uuid).map((r) => r.json);
	async function settle(condition, timeoutMs = 20_000) {
		const deadline = Date.now() + timeoutMs;
		while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
		// A little longer, so that an extra execution would be seen too.
		await new Promise((r) => setTimeout(r, 1500));
	}
	/** Answers a callback as Inbank reads them: status and body. */
	const answerOf = async (res) => [res.status, await res.text()];

	before(async () => {
		sandbox = await startSandbox({ port: 0 });
		recorder = await startRecorder(() => ({ status: 200, body: { ok: true } }));
		n8n = await N8n.create();
		await n8n.importCredentials([
			sandboxCredential(CREDENTIAL, sandbox.url),
		]);
		await n8n.importWorkflows(Object.values(WORKFLOWS).map(({ id, webhookId, parameters }) => triggerWorkflow(id, webhookId, parameters, recorder.baseUrl, CREDENTIAL)));
		for (const workflow of ['signed', 'none', 'token']) await n8n.publish(WORKFLOWS[workflow].id);
		await n8n.start();
		// n8n registers production webhooks just after it is ready: wait until each answers (400: empty callback).
		for (const workflow of ['signed', 'none', 'token']) assert.equal((await n8n.webhook(`${WORKFLOWS[workflow].webhookId}/callback`, { method: 'GET' })).status, 400);
		cookie = await n8n.setupOwner();
	});

	after(async () => {
		await n8n?.stop();
		await recorder?.close();
		await sandbox?.close();
	});

	it('a status change that arrives while the read for the previous one is on its way back runs (pending, then granted)', async () => {
		const session = await createSession({ partnerUrls: partnerUrls(productionUrl('signed')) });
		await control('POST', '/faults', { mode: 'delayed', delayMs: 2500, method: 'GET', path: `/pos-sessions/${session.uuid}` });
		// Inbank reports pending; the trigger's read of the session will answer pending, late.
		const pending = control('POST', `/sessions/${session.uuid}/callback`, { variant: 'genuine' });
		const deadline = Date.now() + 10_000;
		while ((await control('GET', '/faults')).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
		assert.deepEqual(await control('GET', '/faults'), [], 'the trigger read the session');
		// Meanwhile the customer is granted: Inbank sends granted while that read is still out.
		const granted = await control('POST', `/sessions/${session.uuid}/state`, { status: 'granted' });
		const first = await pending;
		assert.deepEqual([first.callback.httpStatus, first.callback.body], [200, 'OK']);
		assert.deepEqual([granted.callback.httpStatus, granted.callback.body], [200, 'OK']);
		await settle(() => runsOf('signed', session.uuid).length >= 2);
		assert.deepEqual(runsOf('signed', session.uuid).map((item) => item.status).sort(), ['granted', 'pending']);
	});

	it('a completed that arrives while a late copy of granted is on its way runs once', async () => {
		const session = await createSession({ partnerUrls: partnerUrls(productionUrl('signed')) });
		const granted = await control('POST', `/sessions/${session.uuid}/state`, { status: 'granted' });
		assert.deepEqual([granted.callback.httpStatus, granted.callback.body], [200, 'OK']);
		await control('POST', '/faults', { mode: 'delayed', delayMs: 2500, method: 'GET', path: `/pos-sessions/${session.uuid}` });
		// The late copy (an Inbank retry: the same fields again), then the contract is activated.
		const lateCopy = control('POST', `/sessions/${session.uuid}/callback`, { variant: 'duplicate' });
		await new Promise((r) => setTimeout(r, 500));
		const completed = await control('POST', `/sessions/${session.uuid}/state`, { status: 'completed' });
		assert.deepEqual([(await lateCopy).callback.httpStatus, (await lateCopy).callback.body], [200, 'OK']);
		assert.deepEqual([completed.callback.httpStatus, completed.callback.body], [200, 'OK']);
		await settle(() => runsOf('signed', session.uuid).length >= 2);
		assert.deepEqual(runsOf('signed', session.uuid).map((item) => item.status), ['granted', 'completed']);
		await control('DELETE', '/faults');
	});

	it('runs on Inbank’s record, not on what an unsigned caller says, and keeps the Callback URL’s token out', async () => {
		// The shop's Callback URL carries the Secret Token mode's token; nothing listens there (port 9), so
		// the sandbox's own callbacks for these sessions reach no workflow.
		const tokenUrl = `http://127.0.0.1:9/webhook/x/callback?token=${TOKEN}`;
		for (const workflow of ['none', 'token']) {
			const session = await createSession({ purchase: { purchaseReference: `order-CHEAP-${workflow}`, description: 'A cheap order' }, partnerUrls: partnerUrls(tokenUrl) });
			await control('POST', `/sessions/${session.uuid}/state`, { status: 'completed' });
			const record = await control('GET', `/sessions/${session.uuid}`);
			assert.equal(record.status, 'completed');
			const url = workflow === 'token' ? `${productionUrl('token')}?token=${TOKEN}` : productionUrl('none');
			const forged = { uuid: session.uuid, status: 'completed', purchaseReference: 'order-EXPENSIVE-9', creditContractUuid: randomUUID(), totalAmount: 1, currency: 'XXX' };
			assert.deepEqual(await answerOf(await fetch(url, json(forged))), [200, 'OK'], workflow);
			await settle(() => runsOf(workflow, session.uuid).length >= 1);
			const runs = runsOf(workflow, session.uuid);
			assert.equal(runs.length, 1, workflow);
			assert.deepEqual(
				[runs[0].status, runs[0].purchaseReference, runs[0].contractUuid, runs[0].totalAmount, runs[0].currency],
				['completed', `order-CHEAP-${workflow}`, record.creditContractUuid, record.totalAmount, record.currency],
			);
			const text = JSON.stringify(runs[0]);
			for (const sent of ['EXPENSIVE', forged.creditContractUuid, 'XXX', TOKEN]) assert.equal(text.includes(sent), false, `${workflow}: ${sent}`);
			assert.equal(runs[0].posSession.partnerUrls.callbackUrl, 'http://127.0.0.1:9/webhook/x/callback?token=REDACTED');
		}
	});

	it('one session in two letter cases runs once, keyed, read and output in lower case', async () => {
		const session = await createSession();
		await control('POST', `/sessions/${session.uuid}/state`, { status: 'completed' });
		const since = (await control('GET', '/requests')).length;
		const spellings = [session.uuid.toUpperCase(), session.uuid, `${session.uuid.slice(0, 18).toUpperCase()}${session.uuid.slice(18)}`];
		for (const spelling of spellings) {
			const res = await n8n.webhook(`${WORKFLOWS.signed.webhookId}/callback`, form(signedFields(spelling, 'completed', DEFAULT_SHOP.apiKey)));
			assert.deepEqual(await answerOf(res), [200, 'OK'], spelling);
		}
		await settle(() => runsOf('signed', session.uuid).length >= 1);
		assert.deepEqual(runsOf('signed', session.uuid).map((item) => [item.uuid, item.status]), [[session.uuid, 'completed']]);
		const reads = (await control('GET', `/requests?since=${since}`)).filter((r) => r.method === 'GET' && r.path.toLowerCase().endsWith(session.uuid));
		assert.ok(reads.length >= 1);
		for (const read of reads) assert.ok(read.path.endsWith(session.uuid), read.path);
	});

	it('a callback to the editor’s Test URL is answered 200 OK too', async () => {
		const headers = { 'content-type': 'application/json', 'browser-id': 'inbank-e2e', cookie };
		const { data: workflowData } = await (await fetch(`${n8n.baseUrl}/rest/workflows/${WORKFLOWS.editor.id}`, { headers })).json();
		// n8n 2.x runs the stored workflow; 1.x takes it in the body.
		const run = await fetch(`${n8n.baseUrl}/rest/workflows/${WORKFLOWS.editor.id}/run`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ workflowData, triggerToStartFrom: { name: 'Inbank Smart Rent Trigger' } }),
		});
		const listening = await run.json();
		assert.equal(run.status, 200, JSON.stringify(listening));
		assert.equal(listening.data.waitingForWebhook, true, JSON.stringify(listening));
		const uuid = randomUUID();
		const res = await fetch(`${n8n.baseUrl}/webhook-test/${WORKFLOWS.editor.webhookId}/callback`, form(signedFields(uuid, 'granted', DEFAULT_SHOP.apiKey)));
		assert.deepEqual(await answerOf(res), [200, 'OK']);
		await settle(() => runsOf('editor', uuid).length >= 1);
		assert.deepEqual(runsOf('editor', uuid).map((item) => item.status), ['granted']);
	});
});
