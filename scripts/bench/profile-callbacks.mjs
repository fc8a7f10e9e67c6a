// Profiles n8n (node --cpu-prof) while it takes signed callbacks, for the trigger or the Webhook + Code build,
// and prints where the main process spent its CPU. `node scripts/bench/profile-callbacks.mjs [trigger|webhook]`
import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { N8n, PACKAGE_NAME } from '../../test/e2e/lib/n8n.mjs';

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
const files = readdirSync(dir).map((f) => join(dir, f));
const file = files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const dt = new Map();
profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const pkg = (url) => (url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)?.pop() ?? url.split('/').slice(-2).join('/')).replace('node_modules/', '');
// Inclusive time per function name (counted once per sample), to see which n8n steps cost most.
const inclusive = new Map();
const selfByPkg = new Map();
let total = 0;
for (const [id, us] of dt) {
	const leaf = byId.get(id);
	if (['(idle)', '(program)'].includes(leaf.callFrame.functionName)) continue;
	total += us;
	selfByPkg.set(pkg(leaf.callFrame.url) || leaf.callFrame.functionName, (selfByPkg.get(pkg(leaf.callFrame.url) || leaf.callFrame.functionName) ?? 0) + us);
	const seen = new Set();
	for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
		const n = byId.get(cur);
		const key = `${n.callFrame.functionName || '(anon)'} ${pkg(n.callFrame.url)}:${n.callFrame.lineNumber}`;
		if (seen.has(key)) continue;
		seen.add(key);
		inclusive.set(key, (inclusive.get(key) ?? 0) + us);
	}
}
const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`).join('\n');
console.log(`profile ${file}\nbusy CPU: ${(total / 1000).toFixed(0)} ms (${(total / 1000 / COUNT).toFixed(1)} ms per callback)\n-- self, by package --\n${top(selfByPkg, 12)}\n-- inclusive, by function --\n${top(inclusive, Number(process.env.PROFILE_TOP ?? 70))}`);
