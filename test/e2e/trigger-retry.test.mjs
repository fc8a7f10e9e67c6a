// The trigger's claim when it fails, in a real n8n: the execution a callback started fails in the trigger's
// step (n8n's processed-data store refuses the claim), Inbank has its 200 already, and the user retries the
// execution from n8n (Executions → Retry, n8n's REST endpoint, after a restart). n8n runs a retry in mode
// `retry` and runs the trigger's step again; the retry runs the delivery downstream, even though the store
// now holds the delivery as claimed (as when a claim timed out but was carried out, or a worker crashed
// after the claim). A copy from Inbank afterwards still starts nothing downstream.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { signedForm } from './lib/callbacks.mjs';
import { N8n, triggerWorkflow, waitFor } from './lib/n8n.mjs';

const require = createRequire(import.meta.url);
const { startRecorder } = require('../support/http-recorder.js');

const { API_KEY: KEY, credentials } = require('../support/fixtures.js');
const CREDENTIAL = { id: 'inbankRetry0001', name: 'Inbank stand-in' };
const WORKFLOW = 'triggerRetry0001';
const WEBHOOK_ID = randomUUID();
// The trigger node's id in triggerWorkflow(): n8n's processed-data row is (workflow id, "n:" + node id).
const CONTEXT = 'n:t1';

/** The trigger's delivery key for a session + status, as n8n's store keeps it (md5, base64). */
function storedKey(uuid, status) {
	const key = createHash('sha256').update(`${uuid}\n${status}`, 'utf8').digest('hex').slice(0, 32);
	return createHash('md5').update(key).digest('base64');
}

/** Runs SQL against n8n's SQLite database with the runtime's Node 24 (node:sqlite). */
async function sql(n8n, statement, parameters = []) {
	const script = `const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(${JSON.stringify(join(n8n.home, '.n8n', 'database.sqlite'))});
const statement = db.prepare(${JSON.stringify(statement)});
console.log(JSON.stringify(${/^\s*select/i.test(statement) ? 'statement.all(...' : 'statement.run(...'}${JSON.stringify(parameters)})));`;
	const { stdout } = await promisify(execFile)(n8n.runtime.nodeBin, ['-e', script]);
	return JSON.parse(stdout);
}

describe('a failed claim, retried from n8n', { timeout: 600_000 }, () => {
	let n8n;
	let recorder;
	let cookie;
	const headers = () => ({ 'content-type': 'application/json', 'browser-id': 'inbank-e2e', ...(cookie ? { cookie } : {}) });
	const runs = () => recorder.requests.filter((r) => r.path === `/executions/${WORKFLOW}`).map((r) => r.json);

	before(async () => {
		recorder = await startRecorder(() => ({ status: 200, body: { ok: true } }));
		n8n = await N8n.create();
		await n8n.importCredentials([{ ...CREDENTIAL, type: 'inbankApi', data: credentials() }]);
		await n8n.importWorkflows([triggerWorkflow(WORKFLOW, WEBHOOK_ID, {}, recorder.baseUrl, CREDENTIAL)]);
		await n8n.publish(WORKFLOW);
		// A row n8n's store cannot use for the trigger (another mode): every claim of the node fails.
		await sql(n8n, 'INSERT INTO processed_data (workflowId, context, value) VALUES (?, ?, ?)', [WORKFLOW, CONTEXT, JSON.stringify({ mode: 'latestIncrementalKey', data: 1 })]);
		await n8n.start();
		cookie = await n8n.setupOwner();
	});

	after(async () => {
		await n8n?.stop();
		await recorder?.close();
	});

	it('the retry runs the delivery; a later copy from Inbank starts nothing', async () => {
		const uuid = randomUUID();
		const answer = await n8n.webhook(`${WEBHOOK_ID}/callback`, signedForm(uuid, 'completed', KEY));
		assert.equal(answer.status, 200, 'Inbank is answered before the execution runs');
		const [failed] = await waitFor('the execution to fail', async () => {
			const rows = await sql(n8n, "SELECT id, status, mode FROM execution_entity WHERE workflowId = ? AND status = 'error'", [WORKFLOW]);
			return rows.length > 0 ? rows : undefined;
		});
		assert.equal(failed.mode, 'webhook');
		assert.match(n8n.log(), /Could not record the delivery in n8n's database/);
		assert.deepEqual(runs(), []);

		// n8n restarted, its store usable again and holding the delivery as claimed (as a claim carried out
		// after it timed out, or made just before a worker crashed, leaves it).
		await n8n.stopServer();
		await sql(n8n, 'UPDATE processed_data SET value = ? WHERE workflowId = ? AND context = ?', [JSON.stringify({ mode: 'entries', data: [storedKey(uuid, 'completed')] }), WORKFLOW, CONTEXT]);
		await n8n.start();
		const login = await fetch(`${n8n.baseUrl}/rest/login`, {
			method: 'POST',
			headers: headers(),
			body: JSON.stringify({ emailOrLdapLoginId: 'owner@example.com', password: 'Passw0rd-e2e-Inbank' }),
		});
		assert.equal(login.status, 200, await login.text());
		cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

		const retry = await fetch(`${n8n.baseUrl}/rest/executions/${failed.id}/retry`, { method: 'POST', headers: headers(), body: JSON.stringify({ loadWorkflow: false }) });
		const retried = await retry.json();
		assert.equal(retry.status, 200, JSON.stringify(retried));
		assert.equal(retried.data.mode, 'retry');
		assert.equal(retried.data.status, 'success');
		await waitFor('the retried delivery to run downstream', () => runs().length >= 1);
		assert.deepEqual(runs().map((item) => [item.uuid, item.status]), [[uuid, 'completed']]);

		// Inbank's copy, freshly signed: the claim stands, nothing runs again.
		assert.equal((await n8n.webhook(`${WEBHOOK_ID}/callback`, signedForm(uuid, 'completed', KEY))).status, 200);
		await new Promise((r) => setTimeout(r, 4000));
		assert.equal(runs().length, 1);
	});
});
