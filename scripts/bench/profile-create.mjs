// Profiles one run of the create benchmark's sequential variant inside n8n (node --cpu-prof) and prints
// the functions with the most self time, grouped by package. `node scripts/bench/profile-create.mjs [ours|http]`
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { N8n, PACKAGE_NAME } from '../../test/e2e/lib/n8n.mjs';
import { frameName, largestProfile, packageOf, top } from './lib/cpu-profile.mjs';

const require = createRequire(import.meta.url);
const { startRecorder } = require('../../test/support/http-recorder.js');
const which = process.argv[2] ?? 'ours';
const ITEMS = Number(process.env.BENCH_ITEMS ?? 1000);
const KEY = 'bench-api-key-0123456789';
const SHOP = 'a93f1f44-d5dd-4469-bfcc-c1de9e969213';
const dir = join(process.cwd(), '.profiles', which);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const server = await startRecorder(() => ({ status: 201, body: { uuid: randomUUID(), status: 'pending', redirectUrl: 'http://127.0.0.1/s' } }));
const n8n = await N8n.create();
try {
	await n8n.importCredentials([{ id: 'inbankBench0001', name: 'b', type: 'inbankApi', data: { apiKey: KEY, environment: 'demo', country: 'ee', shopUuid: SHOP, baseUrl: server.baseUrl } }]);
	const target =
		which === 'ours'
			? { type: `${PACKAGE_NAME}.inbankSmartRent`, typeVersion: 1, credentials: { inbankApi: { id: 'inbankBench0001', name: 'b' } }, parameters: { resource: 'posSession', operation: 'create', productCode: 'smart_rent_bench', locale: 'et-EE', period: 24, assets: { asset: [{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'iPhone 15', netPrice: 449 }] }, purchaseDescription: '={{ "Order " + $json.i }}', additionalFields: { purchaseReference: '={{ String($json.i) }}' }, options: { retries: 0 } } }
			: { type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, parameters: { method: 'POST', url: `${server.baseUrl}/partner/v3/shops/${SHOP}/pos-sessions`, sendHeaders: true, headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${KEY}` }] }, sendBody: true, specifyBody: 'json', jsonBody: '={{ JSON.stringify({ productCode: "smart_rent_bench", purchase: { purchaseReference: String($json.i), description: "Order " + $json.i } }) }}', options: { batching: { batch: { batchSize: 1, batchInterval: 1 } } } } };
	await n8n.importWorkflows([{ id: 'profile', name: 'profile', active: false, settings: { saveDataSuccessExecution: 'none' }, nodes: [
		{ id: 's', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{ id: 'i', name: 'Items', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: `return Array.from({ length: ${ITEMS} }, (_, i) => ({ json: { i } }));` } },
		{ id: 't', name: 'Target', position: [400, 0], ...target }], connections: { Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] }, Items: { main: [[{ node: 'Target', type: 'main', index: 0 }]] } } }]);
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
