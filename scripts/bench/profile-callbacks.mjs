// Profiles n8n (node --cpu-prof) while it takes signed callbacks, for the trigger or the Webhook + Code build,
// and prints where the main process spent its CPU. `node scripts/bench/profile-callbacks.mjs [trigger|webhook]`
import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { N8n, PACKAGE_NAME } from '../../test/e2e/lib/n8n.mjs';
import { frameName, largestProfile, packageOf, top } from './lib/cpu-profile.mjs';

const which = process.argv[2] ?? 'trigger';
const COUNT = Number(process.env.BENCH_CALLBACKS ?? 300);
const KEY = 'bench-api-key-0123456789';
const dir = join(process.cwd(), '.profiles', which);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const hookId = randomUUID();
const noop = (x) => ({ id: `noop${x}`, name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [x, 0], parameters: {} });
const workflow =
	which === 'trigger'
		? { nodes: [{ id: 't', name: 'Trigger', type: `${PACKAGE_NAME}.inbankSmartRentTrigger`, typeVersion: Number(process.env.TRIGGER_VERSION ?? 1.1), position: [0, 0], webhookId: hookId, credentials: { inbankApi: { id: 'inbankBench0001', name: 'b' } }, parameters: { fetchSession: false, ...JSON.parse(process.env.TRIGGER_PARAMETERS ?? '{}') } }, noop(250)], connections: { Trigger: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } } }
		: { nodes: [{ id: 'w', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: hookId, parameters: { httpMethod: 'POST', path: hookId, responseMode: 'onReceived', options: {} } }, { id: 'c', name: 'Verify HMAC', type: 'n8n-nodes-base.code', typeVersion: 2, position: [250, 0], parameters: { jsCode: `const crypto = require('crypto'); const { hmac, timestamp, message } = $json.body; const e = crypto.createHmac('sha512', '${KEY}').update(timestamp + '.' + message).digest('hex'); if (e !== hmac) throw new Error('bad'); return [{ json: JSON.parse(message) }];` } }, noop(500)], connections: { Webhook: { main: [[{ node: 'Verify HMAC', type: 'main', index: 0 }]] }, 'Verify HMAC': { main: [[{ node: 'Done', type: 'main', index: 0 }]] } } };
const path = which === 'trigger' ? `${hookId}/callback` : hookId;

const n8n = await N8n.create({ env: { NODE_FUNCTION_ALLOW_BUILTIN: 'crypto' } });
try {
	await n8n.importCredentials([{ id: 'inbankBench0001', name: 'b', type: 'inbankApi', data: { apiKey: KEY, environment: 'demo', country: 'ee', shopUuid: 'a93f1f44-d5dd-4469-bfcc-c1de9e969213' } }]);
	await n8n.importWorkflows([{ id: 'profilecb', name: 'profilecb', active: false, settings: {}, ...workflow }]);
	await n8n.publish('profilecb');
	n8n.extraEnv.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${dir}`;
	await n8n.start();
	await n8n.webhook(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: 20 }, async () => {
			while (next++ < COUNT) {
				const timestamp = String(Math.floor(Date.now() / 1000));
				const message = JSON.stringify({ uuid: randomUUID(), status: 'granted' });
				const hmac = createHmac('sha512', KEY).update(`${timestamp}.${message}`).digest('hex');
				const res = await fetch(`${n8n.baseUrl}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ hmac, timestamp, message }) });
				await res.text();
			}
		}),
	);
	console.log(`${COUNT} callbacks in ${((performance.now() - started) / 1000).toFixed(1)} s: ${(COUNT / ((performance.now() - started) / 1000)).toFixed(1)}/s`);
	await new Promise((r) => setTimeout(r, 3000));
} finally {
	await n8n.stop();
}
const { file, time, chain } = largestProfile(dir);
// Inclusive time per function (counted once per sample), to see which n8n steps cost most.
const inclusive = new Map();
const selfByPkg = new Map();
let total = 0;
for (const [id, us] of time) {
	const frames = chain(id);
	if (['(idle)', '(program)'].includes(frames[0].callFrame.functionName)) continue;
	total += us;
	const p = packageOf(frames[0].callFrame.url) || frames[0].callFrame.functionName;
	selfByPkg.set(p, (selfByPkg.get(p) ?? 0) + us);
	for (const key of new Set(frames.map(frameName))) inclusive.set(key, (inclusive.get(key) ?? 0) + us);
}
console.log(`profile ${file}\nbusy CPU: ${(total / 1000).toFixed(0)} ms (${(total / 1000 / COUNT).toFixed(1)} ms per callback)\n-- self, by package --\n${top(selfByPkg, 12)}\n-- inclusive, by function --\n${top(inclusive, Number(process.env.PROFILE_TOP ?? 70))}`);
