// Profiles n8n (node --cpu-prof) while it takes signed callbacks, for the trigger or the Webhook + Code build,
// and prints where the main process spent its CPU. `node scripts/bench/profile-callbacks.mjs [trigger|webhook]`
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { N8n } from '../../test/e2e/lib/n8n.mjs';
import { frameName, largestProfile, packageOf, top } from './lib/cpu-profile.mjs';
import { callbackPath, callbackWorkflow, CREDENTIAL, credentialData, signedCallback } from './lib/workloads.mjs';

const which = process.argv[2] ?? 'trigger';
const COUNT = Number(process.env.BENCH_CALLBACKS ?? 300);
const dir = join(process.cwd(), '.profiles', which);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const hookId = randomUUID();
const path = callbackPath(which, hookId);
const n8n = await N8n.create({ env: { NODE_FUNCTION_ALLOW_BUILTIN: 'crypto' } });
try {
	await n8n.importCredentials([{ ...CREDENTIAL, type: 'inbankApi', data: credentialData() }]);
	await n8n.importWorkflows([callbackWorkflow(which, 'profilecb', hookId, { triggerParameters: JSON.parse(process.env.TRIGGER_PARAMETERS ?? '{}') })]);
	await n8n.publish('profilecb');
	n8n.extraEnv.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${dir}`;
	await n8n.start();
	await n8n.webhook(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: 20 }, async () => {
			while (next++ < COUNT) {
				const res = await fetch(`${n8n.baseUrl}/webhook/${path}`, signedCallback());
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
