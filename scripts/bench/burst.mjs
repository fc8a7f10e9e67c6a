// 1,000 simultaneous signed callbacks into one published workflow (the trigger, or Webhook + Code):
// how many n8n answers 200 / 500. `node scripts/bench/burst.mjs trigger|webhook`; extra n8n settings
// come from the environment (e.g. N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true).
import { createHmac, randomUUID } from 'node:crypto';

import { N8n, PACKAGE_NAME } from '../../test/e2e/lib/n8n.mjs';

const which = process.argv[2] ?? 'trigger';
const COUNT = Number(process.env.BURST ?? 1000);
const KEY = 'burst-api-key-0123456789';
const hookId = randomUUID();
const noop = { id: 'n', name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [500, 0], parameters: {} };
const workflow =
	which === 'trigger'
		? { nodes: [{ id: 't', name: 'Trigger', type: `${PACKAGE_NAME}.inbankSmartRentTrigger`, typeVersion: 1.1, position: [0, 0], webhookId: hookId, credentials: { inbankApi: { id: 'inbankBurst0001', name: 'b' } }, parameters: { fetchSession: false } }, noop], connections: { Trigger: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } } }
		: { nodes: [{ id: 'w', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: hookId, parameters: { httpMethod: 'POST', path: hookId, responseMode: 'onReceived', options: {} } }, { id: 'c', name: 'Verify', type: 'n8n-nodes-base.code', typeVersion: 2, position: [250, 0], parameters: { jsCode: `const crypto = require('crypto'); const { hmac, timestamp, message } = $json.body; if (crypto.createHmac('sha512', '${KEY}').update(timestamp + '.' + message).digest('hex') !== hmac) throw new Error('bad'); return [{ json: JSON.parse(message) }];` } }, noop], connections: { Webhook: { main: [[{ node: 'Verify', type: 'main', index: 0 }]] }, Verify: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } } };
const path = which === 'trigger' ? `${hookId}/callback` : hookId;
const n8n = await N8n.create({ env: { NODE_FUNCTION_ALLOW_BUILTIN: 'crypto' } });
try {
	await n8n.importCredentials([{ id: 'inbankBurst0001', name: 'b', type: 'inbankApi', data: { apiKey: KEY, environment: 'demo', country: 'ee', shopUuid: 'shop' } }]);
	await n8n.importWorkflows([{ id: 'burst', name: 'burst', active: false, settings: {}, ...workflow }]);
	await n8n.publish('burst');
	await n8n.start();
	await n8n.webhook(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
	const started = Date.now();
	const answers = await Promise.all(
		Array.from({ length: COUNT }, () => {
			const timestamp = String(Math.floor(Date.now() / 1000));
			const message = JSON.stringify({ uuid: randomUUID(), status: 'granted' });
			const hmac = createHmac('sha512', KEY).update(`${timestamp}.${message}`).digest('hex');
			return fetch(`${n8n.baseUrl}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ hmac, timestamp, message }) }).then(
				async (res) => (await res.arrayBuffer(), res.status),
				(error) => `error ${error.cause?.code ?? error.message}`,
			);
		}),
	);
	const tally = answers.reduce((t, a) => ({ ...t, [a]: (t[a] ?? 0) + 1 }), {});
	console.log(`${which}: ${COUNT} simultaneous callbacks answered in ${Date.now() - started} ms: ${JSON.stringify(tally)}`);
} finally {
	await n8n.stop();
}
