// Counts how often n8n evaluates the trigger's outputs expression while it accepts callbacks (whether
// the expression costs anything per callback): one published trigger workflow, a warm-up request, then BENCH_CALLBACKS signed
// callbacks one at a time; prints the counts of the n8n process that answered them.
// `node scripts/bench/count-outputs.mjs` (TRIGGER_PARAMETERS='{"routeByStatus":true}' to route;
// E2E_N8N_VERSION=1.123.81 for n8n 1.x).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { N8n } from '../../test/e2e/lib/n8n.mjs';
import { callbackPath, callbackWorkflow, CREDENTIAL, credentialData, signedCallback } from './lib/workloads.mjs';

const COUNT = Number(process.env.BENCH_CALLBACKS ?? 20);
const out = mkdtempSync(join(tmpdir(), 'count-outputs-'));
const hookId = randomUUID();
const path = callbackPath('trigger', hookId);
const n8n = await N8n.create();
const read = () =>
	readdirSync(out).map((file) => ({ pid: file.split('.').pop(), ...JSON.parse(readFileSync(join(out, file), 'utf8')) }));
try {
	await n8n.importCredentials([{ ...CREDENTIAL, type: 'inbankApi', data: credentialData() }]);
	await n8n.importWorkflows([callbackWorkflow('trigger', 'countout', hookId, { triggerParameters: JSON.parse(process.env.TRIGGER_PARAMETERS ?? '{}') })]);
	await n8n.publish('countout');
	n8n.extraEnv.NODE_OPTIONS = `--require ${join(dirname(fileURLToPath(import.meta.url)), 'lib', 'count-outputs-preload.cjs')}`;
	n8n.extraEnv.COUNT_OUTPUTS_N8N_DIR = join(n8n.runtime.dir, 'node_modules', 'n8n');
	n8n.extraEnv.COUNT_OUTPUTS_FILE = join(out, 'counts');
	await n8n.start();
	await n8n.webhook(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
	await new Promise((r) => setTimeout(r, 1500));
	const before = read();
	let accepted = 0;
	for (let i = 0; i < COUNT; i++) {
		const res = await fetch(`${n8n.baseUrl}/webhook/${path}`, signedCallback());
		await res.text();
		if (res.status === 200) accepted++;
	}
	await new Promise((r) => setTimeout(r, 3000));
	for (const after of read()) {
		const start = before.find((b) => b.pid === after.pid) ?? { outputsExpression: 0, getNodeOutputs: 0, otherSimpleParameterValues: 0 };
		console.log(
			`n8n process ${after.pid}: ${accepted} of ${COUNT} callbacks accepted; outputs expression evaluated ${after.outputsExpression - start.outputsExpression} times during them (${after.outputsExpression} since start), NodeHelpers.getNodeOutputs called ${after.getNodeOutputs - start.getNodeOutputs} times (${after.getNodeOutputs} since start); for scale, other values resolved by the same method: ${after.otherSimpleParameterValues - start.otherSimpleParameterValues} (${after.otherSimpleParameterValues} since start)`,
		);
		for (const [stack, n] of Object.entries(after.stacks)) console.log(`  ${n} × ${stack}`);
	}
} finally {
	await n8n.stop();
}
