// 1,000 simultaneous signed callbacks into one published workflow (the trigger, or Webhook + Code):
// how many n8n answers 200 / 500. `node scripts/bench/burst.mjs trigger|webhook`; extra n8n settings
// come from the environment (e.g. N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true).
import { randomUUID } from 'node:crypto';

import { N8n } from '../../test/e2e/lib/n8n.mjs';
import { callbackPath, callbackWorkflow, CREDENTIAL, credentialData, signedCallback } from './lib/workloads.mjs';

const which = process.argv[2] ?? 'trigger';
const COUNT = Number(process.env.BURST ?? 1000);
const hookId = randomUUID();
const path = callbackPath(which, hookId);
const n8n = await N8n.create({ env: { NODE_FUNCTION_ALLOW_BUILTIN: 'crypto' } });
try {
	await n8n.importCredentials([{ ...CREDENTIAL, type: 'inbankApi', data: credentialData() }]);
	await n8n.importWorkflows([callbackWorkflow(which, 'burst', hookId)]);
	await n8n.publish('burst');
	await n8n.start();
	await n8n.webhook(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
	const started = Date.now();
	const answers = await Promise.all(
		Array.from({ length: COUNT }, () =>
			fetch(`${n8n.baseUrl}/webhook/${path}`, signedCallback()).then(
				async (res) => (await res.arrayBuffer(), res.status),
				(error) => `error ${error.cause?.code ?? error.message}`,
			),
		),
	);
	const tally = answers.reduce((t, a) => ({ ...t, [a]: (t[a] ?? 0) + 1 }), {});
	console.log(`${which}: ${COUNT} simultaneous callbacks answered in ${Date.now() - started} ms: ${JSON.stringify(tally)}`);
} finally {
	await n8n.stop();
}
