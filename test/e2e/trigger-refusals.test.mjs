// A refused callback in a real n8n (2.41.1; E2E_N8N_VERSION=1.123.81 for 1.x), with the Inbank sandbox as
// Inbank. While the editor listens for a test event (Execute step, through n8n's REST API as the editor
// does), a refused callback is answered as in production and the test execution fails at the trigger
// with the reason, which is what the editor shows: a forged signature, a callback signed with another
// scheme (the sandbox's HMAC-SHA256), an unsigned one. A callback ahead of Inbank's record (503: Inbank
// sends it again) leaves the editor listening, and the resend runs. In production a forged callback
// starts no execution at all.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { DEFAULT_SHOP, startSandbox } from '../../sandbox/server.mjs';
import { order } from '../../sandbox/test/helpers.mjs';
import { form, signedFields } from './lib/callbacks.mjs';
import { createSandboxSession, sandboxControl, sandboxCredential } from './lib/flow.mjs';
import { N8n, N8N_VERSION, triggerWorkflow, waitFor } from './lib/n8n.mjs';

const require = createRequire(import.meta.url);
const { startRecorder } = require('../support/http-recorder.js');

const TRIGGER = 'Inbank Smart Rent Trigger';
const CREDENTIAL = { id: 'inbankRefusals1', name: 'Inbank sandbox' };
const WORKFLOWS = {
	// Reached through the editor's Test URL only.
	editor: { id: 'refusalEditor01', webhookId: randomUUID(), parameters: { fetchSession: false } },
	editorRecord: { id: 'refusalRecord01', webhookId: randomUUID(), parameters: { fetchSession: true } },
	// Published.
	live: { id: 'refusalLive0001', webhookId: randomUUID(), parameters: { fetchSession: false } },
};

describe(`a refused callback in a real n8n ${N8N_VERSION}: why, in the editor; nothing, in production`, { timeout: 900_000 }, () => {
	let n8n;
	let sandbox;
	let otherScheme;
	let recorder;
	let cookie;
	let flatted;

	const headers = () => ({ 'content-type': 'application/json', 'browser-id': 'inbank-e2e', cookie });
	const rest = async (path, init = {}) => {
		const res = await fetch(`${n8n.baseUrl}/rest${path}`, { ...init, headers: headers() });
		const body = await res.json();
		assert.equal(res.status, 200, `${path}: ${JSON.stringify(body).slice(0, 500)}`);
		return body.data;
	};
	const control = (target, method, path, body) => sandboxControl(target.url, method, path, body);
	const createSession = (target, callbackUrl) =>
		createSandboxSession(target.url, order(undefined, { partnerUrls: { returnUrl: 'https://shop.example.com/return', cancelUrl: 'https://shop.example.com/cancel', callbackUrl } }));
	const testUrl = (workflow) => `${n8n.baseUrl}/webhook-test/${WORKFLOWS[workflow].webhookId}/callback`;
	const productionUrl = (workflow) => `${n8n.baseUrl}/webhook/${WORKFLOWS[workflow].webhookId}/callback`;

	/** Execute step on the trigger, as the editor does: n8n listens on the Test URL. */
	async function listen(workflow) {
		const { id } = WORKFLOWS[workflow];
		const workflowData = await rest(`/workflows/${id}`);
		// n8n 2.x runs the stored workflow; 1.x takes it in the body.
		const started = await rest(`/workflows/${id}/run`, { method: 'POST', body: JSON.stringify({ workflowData, triggerToStartFrom: { name: TRIGGER } }) });
		assert.equal(started.waitingForWebhook, true, JSON.stringify(started));
	}

	/** The workflow's executions, newest first, as the editor's Executions list loads them. */
	async function executionsOf(workflow) {
		const data = await rest(`/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: WORKFLOWS[workflow].id }))}`);
		return data.results ?? data;
	}

	/** One finished execution as the editor opens it: its run data per node. */
	async function executionRun(id) {
		const execution = await rest(`/executions/${id}`);
		return { ...execution, data: typeof execution.data === 'string' ? flatted.parse(execution.data) : execution.data };
	}

	/** The test execution a callback started, once n8n has finished it. */
	async function nextFinishedExecution(workflow, known) {
		let seen;
		try {
			return await waitFor(`an execution of ${workflow}`, async () => {
				seen = await executionsOf(workflow);
				const fresh = seen.find((execution) => !known.has(String(execution.id)) && ['success', 'error', 'crashed'].includes(execution.status));
				return fresh && (await executionRun(fresh.id));
			});
		} catch (error) {
			error.message += `; executions: ${JSON.stringify(seen).slice(0, 1500)}`;
			throw error;
		}
	}

	const answerOf = async (res) => [res.status, await res.text()];
	const runsOf = (workflow) => recorder.requests.filter((r) => r.path === `/executions/${WORKFLOWS[workflow].id}`);
	const triggerError = (execution) => execution.data.resultData.runData[TRIGGER]?.[0]?.error;

	before(async () => {
		sandbox = await startSandbox({ port: 0 });
		otherScheme = await startSandbox({ port: 0, signing: 'hmac-sha256' });
		recorder = await startRecorder(() => ({ status: 200, body: { ok: true } }));
		n8n = await N8n.create();
		flatted = require(join(n8n.runtime.dir, 'node_modules', 'flatted', 'cjs', 'index.js'));
		await n8n.importCredentials([
			sandboxCredential(CREDENTIAL, sandbox.url),
		]);
		await n8n.importWorkflows(Object.values(WORKFLOWS).map(({ id, webhookId, parameters }) => triggerWorkflow(id, webhookId, parameters, recorder.baseUrl, CREDENTIAL)));
		await n8n.publish(WORKFLOWS.live.id);
		await n8n.start();
		// n8n registers production webhooks just after it is ready (400: an empty callback).
		assert.equal((await n8n.webhook(`${WORKFLOWS.live.webhookId}/callback`, { method: 'GET' })).status, 400);
		cookie = await n8n.setupOwner();
	});

	after(async () => {
		await n8n?.stop();
		await recorder?.close();
		await sandbox?.close();
		await otherScheme?.close();
	});

	it('a forged callback to the Test URL: answered 401 as in production, and the test run fails at the trigger naming the reason', async () => {
		const known = new Set((await executionsOf('editor')).map((execution) => String(execution.id)));
		const session = await createSession(sandbox, testUrl('editor'));
		await listen('editor');
		const sent = await control(sandbox, 'POST', `/sessions/${session.uuid}/callback`, { variant: 'forged', url: testUrl('editor') });
		assert.deepEqual([sent.callback.httpStatus, JSON.parse(sent.callback.body)], [401, { message: 'callback not verified' }]);
		const execution = await nextFinishedExecution('editor', known);
		assert.equal(execution.mode, 'manual');
		assert.equal(execution.status, 'error');
		const error = triggerError(execution);
		assert.match(error.message, /^Callback refused \(HTTP 401\): the hmac does not match: it has the expected form \(128 hexadecimal characters\), so it was made with another key than the credential’s API key/);
		assert.match(error.description, /check that the credential’s API key is the key of the shop that created the session/);
		assert.equal(execution.data.resultData.runData.Record, undefined, 'nothing ran downstream');
		assert.equal(runsOf('editor').length, 0);
		assert.equal(JSON.stringify(execution).includes(DEFAULT_SHOP.apiKey), false);
		// That test event ended the listening, as every test event does in n8n: Execute step listens again.
		assert.equal((await fetch(testUrl('editor'), { method: 'POST' })).status, 404);
	});

	it('a callback signed with another scheme (HMAC-SHA256) says so by the hmac’s length; an unsigned one lists the fields it carried', async () => {
		const known = new Set((await executionsOf('editor')).map((execution) => String(execution.id)));
		const session = await createSession(otherScheme, testUrl('editor'));
		await listen('editor');
		const sent = await control(otherScheme, 'POST', `/sessions/${session.uuid}/callback`, { variant: 'genuine', url: testUrl('editor') });
		assert.equal(sent.callback.httpStatus, 401);
		const execution = await nextFinishedExecution('editor', known);
		assert.match(triggerError(execution).message, /^Callback refused \(HTTP 401\): the hmac has 64 hexadecimal characters \(the length of SHA-256 in hex\); expected 128 hexadecimal characters \(HMAC-SHA512 in hex\): the callback is signed with another scheme/);
		assert.match(triggerError(execution).description, /set Verification to Secret Token in the Callback URL, .* keep Verify Then Fetch Session on/);

		known.add(String(execution.id));
		await listen('editor');
		const unsigned = await control(sandbox, 'POST', `/sessions/${(await createSession(sandbox, testUrl('editor'))).uuid}/callback`, { variant: 'unsigned', url: testUrl('editor') });
		assert.equal(unsigned.callback.httpStatus, 400);
		const second = await nextFinishedExecution('editor', known);
		assert.match(triggerError(second).message, /^Callback refused \(HTTP 400\): a signed callback needs hmac, timestamp and message; missing hmac, timestamp \(fields received: message\(\d+\)\)$/);
		assert.equal(runsOf('editor').length, 0);
	});

	it('a callback ahead of Inbank’s record (503, sent again) leaves the editor listening, and Inbank’s resend runs', async () => {
		const known = new Set((await executionsOf('editorRecord')).map((execution) => String(execution.id)));
		const session = await createSession(sandbox, testUrl('editorRecord'));
		await listen('editorRecord');
		// `granted` while Inbank's record still says pending (a read that lags the change).
		const early = await fetch(testUrl('editorRecord'), form(signedFields(session.uuid, 'granted', DEFAULT_SHOP.apiKey)));
		assert.deepEqual(await answerOf(early), [503, JSON.stringify({ message: 'callback not accepted; try again later' })]);
		await new Promise((r) => setTimeout(r, 1500));
		assert.deepEqual((await executionsOf('editorRecord')).filter((execution) => !known.has(String(execution.id))), [], 'no test run started');
		// The record catches up and Inbank sends the change (again) to the Test URL, still listening.
		const granted = await control(sandbox, 'POST', `/sessions/${session.uuid}/state`, { status: 'granted' });
		assert.deepEqual([granted.callback.httpStatus, granted.callback.body], [200, 'OK']);
		const execution = await nextFinishedExecution('editorRecord', known);
		assert.equal(execution.status, 'success');
		await waitFor('the item downstream', () => runsOf('editorRecord').length >= 1);
		assert.deepEqual(runsOf('editorRecord').map((r) => [r.json.uuid, r.json.status]), [[session.uuid, 'granted']]);
	});

	it('in production a forged callback starts no execution', async () => {
		const session = await createSession(sandbox, productionUrl('live'));
		const sent = await control(sandbox, 'POST', `/sessions/${session.uuid}/callback`, { variant: 'forged' });
		assert.deepEqual([sent.callback.httpStatus, JSON.parse(sent.callback.body)], [401, { message: 'callback not verified' }]);
		const otherSession = await createSession(otherScheme, productionUrl('live'));
		const other = await control(otherScheme, 'POST', `/sessions/${otherSession.uuid}/callback`, { variant: 'genuine' });
		assert.equal(other.callback.httpStatus, 401);
		await new Promise((r) => setTimeout(r, 3000));
		assert.deepEqual(await executionsOf('live'), []);
		assert.equal(runsOf('live').length, 0);
		assert.match(n8n.log(), /refused a callback \(401\): the hmac does not match: it has the expected form/);
		assert.match(n8n.log(), /refused a callback \(401\): the hmac has 64 hexadecimal characters/);
		// A genuine one still runs (the workflow is live and listening).
		const genuine = await control(sandbox, 'POST', `/sessions/${session.uuid}/callback`, { variant: 'genuine' });
		assert.deepEqual([genuine.callback.httpStatus, genuine.callback.body], [200, 'OK']);
		await waitFor('the genuine callback downstream', () => runsOf('live').length >= 1);
		assert.deepEqual(runsOf('live').map((r) => [r.json.uuid, r.json.status]), [[session.uuid, 'pending']]);
	});
});
