// Profiles one run of the create benchmark's sequential variant inside n8n (node --cpu-prof) and prints
// the CPU spent while the node under test was on the stack, by package and by call out of the node. `node scripts/bench/profile-create.mjs [ours|http]`
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { N8n } from '../../test/e2e/lib/n8n.mjs';
import { frameName, largestProfile, packageOf, top } from './lib/cpu-profile.mjs';
import { CREDENTIAL, credentialData, httpNode, itemsWorkflow, ourNode, SHOP } from './lib/workloads.mjs';

const require = createRequire(import.meta.url);
const { startRecorder } = require('../../test/support/http-recorder.js');
const which = process.argv[2] ?? 'ours';
const ITEMS = Number(process.env.BENCH_ITEMS ?? 1000);
const dir = join(process.cwd(), '.profiles', which);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const server = await startRecorder(() => ({ status: 201, body: { uuid: randomUUID(), status: 'pending', redirectUrl: 'http://127.0.0.1/s' } }));
const n8n = await N8n.create();
try {
	await n8n.importCredentials([{ ...CREDENTIAL, type: 'inbankApi', data: credentialData(server.baseUrl) }]);
	// The bench's sequential variants: Fields mode, or HTTP Request with the key typed into a header.
	const url = `${server.baseUrl}/partner/v3/shops/${SHOP}/pos-sessions`;
	const target = which === 'ours' ? ourNode(1) : httpNode(url, { batchSize: 1, batchInterval: 1 });
	await n8n.importWorkflows([itemsWorkflow('profile', target, ITEMS)]);
	n8n.extraEnv.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${dir}`;
	const result = await n8n.execute('profile');
	console.log('ok', result.ok, 'ms', result.execution?.data?.resultData?.runData?.Target?.[0]?.executionTime, 'requests', server.requests.length);
} finally {
	await n8n.stop();
	await server.close();
}
// The execute process wrote the largest profile.
const { file, time, chain } = largestProfile(dir);
// Time spent while the node under test was on the stack, by the package of the running function, and
// by the first function of another package called from the node's own code (what the node pays for).
const nodeUrl = which === 'ours' ? /nodes\/node_modules\/n8n-nodes-inbank\// : /HttpRequest/;
const byPkg = new Map();
const byEntry = new Map();
let total = 0;
for (const [id, us] of time) {
	const frames = chain(id);
	const ownIndex = frames.findIndex((n) => nodeUrl.test(n.callFrame.url) && n.callFrame.functionName !== '');
	// Module loading at start is not the node's work.
	if (ownIndex < 0 || frames.some((n) => n.callFrame.functionName === 'require')) continue;
	total += us;
	const leaf = frames[0];
	const p = packageOf(leaf.callFrame.url) || leaf.callFrame.functionName;
	byPkg.set(p, (byPkg.get(p) ?? 0) + us);
	const entry = frames[ownIndex - 1] ?? frames[ownIndex];
	const key = `${frames[ownIndex].callFrame.functionName} -> ${frameName(entry)}`;
	byEntry.set(key, (byEntry.get(key) ?? 0) + us);
}
console.log(`profile ${file}\nCPU with the node on the stack: ${(total / 1000).toFixed(0)} ms\n-- by package --\n${top(byPkg, 12)}\n-- by call out of the node --\n${top(byEntry, 25)}`);
