// `npm run bench`: this package against what users would build instead, in a real n8n 2.41.1, on this
// machine, side by side; writes BENCHMARKS.md. Not part of `npm test`.
//   1. Create POS Session for 1,000 items: our node vs the HTTP Request node sending the identical body,
//      vs a raw fetch loop (the floor), sequential and concurrent, against a minimal local server.
//   2. 2,000 signed callbacks: our trigger vs a Webhook node + a Code node doing the same HMAC check, with and
//      without n8n's Remove Duplicates node (what a user adds for the trigger's "a repeat does not run again");
//      then a sample re-sent, to see which build lets a handled delivery run again.
//   3. Validation + body building per item (microbenchmark) and the packed tarball size; 3b. parameter reading
//      per item, n8n's getNodeParameter vs the node's per-run cache (n8n-core's WorkflowExecute, no n8n runtime).
// BENCH_REPS (default 5), BENCH_CALLBACKS (default 2000), BENCH_ITEMS (default 1000) scale it.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { N8n, packPackage, REPO } from '../../test/e2e/lib/n8n.mjs';
import {
	bodyOf,
	callbackPath,
	callbackWorkflow,
	CREDENTIAL,
	credentialData,
	httpNode,
	itemsWorkflow as itemsWorkflowOf,
	KEY,
	ourJsonNode,
	ourNode,
	SHOP,
	signedCallback,
} from './lib/workloads.mjs';

const require = createRequire(import.meta.url);
const { startRecorder } = require('../../test/support/http-recorder.js');
const run = promisify(execFile);

const REPS = Number(process.env.BENCH_REPS ?? 5);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 1000);
const CALLBACKS = Number(process.env.BENCH_CALLBACKS ?? 2000);
const CONCURRENCY = 8;
// BENCH_ONLY=create,latency,callbacks,micro,params: a part of the run, printed but not written to BENCHMARKS.md.
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
const runs = (part) => !ONLY || ONLY.has(part);
// What a user of the HTTP Request node would keep the API key in.
const HEADER_AUTH = { id: 'headerBench0001', name: 'Inbank key as header' };

const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const log = (line) => console.log(`[bench] ${line}`);

// ---- 1. create sessions ----------------------------------------------------------------------------
const itemsWorkflow = (id, target) => itemsWorkflowOf(id, target, ITEMS);

async function benchCreate(n8n, server) {
	const url = `${server.baseUrl}/partner/v3/shops/${SHOP}/pos-sessions`;
	const variants = [
		['ours-seq', 'Inbank Smart Rent, Fields mode (2 expressions per item), sequential (default)', ourNode(1)],
		['ours-json-seq', 'Inbank Smart Rent, JSON mode (the body as 1 expression, as HTTP Request), sequential', ourJsonNode(1)],
		['http-seq', 'HTTP Request + Header Auth credential, batch size 1, interval 1 ms (closest to sequential)', httpNode(url, { batchSize: 1, batchInterval: 1 }, { headerAuthCredential: HEADER_AUTH })],
		['http-seq-plain', 'HTTP Request, key typed into a header, batch size 1, interval 1 ms', httpNode(url, { batchSize: 1, batchInterval: 1 })],
		['ours-conc', `Inbank Smart Rent, Fields mode, Concurrency ${CONCURRENCY}`, ourNode(CONCURRENCY)],
		['ours-json-conc', `Inbank Smart Rent, JSON mode, Concurrency ${CONCURRENCY}`, ourJsonNode(CONCURRENCY)],
		['http-fast', 'HTTP Request + Header Auth credential, no batching (all items at once: its fastest)', httpNode(url, undefined, { headerAuthCredential: HEADER_AUTH })],
		['http-batch', `HTTP Request + Header Auth credential, batch size ${CONCURRENCY}, interval 1 ms`, httpNode(url, { batchSize: CONCURRENCY, batchInterval: 1 }, { headerAuthCredential: HEADER_AUTH })],
	];
	await n8n.importWorkflows(variants.map(([id, , node]) => itemsWorkflow(`bench-${id}`, node)));
	const results = {};
	for (const [id, label] of variants) {
		const times = [];
		for (let rep = 0; rep < REPS; rep++) {
			server.requests.length = 0;
			const result = await n8n.execute(`bench-${id}`);
			const runData = result.execution?.data?.resultData?.runData?.Target?.[0];
			if (!result.ok || !runData) throw new Error(`${id} failed: ${result.output.slice(-1500)}`);
			if (server.requests.length !== ITEMS) throw new Error(`${id} sent ${server.requests.length} requests`);
			times.push(runData.executionTime);
			if (rep === 0) results[`${id}:body`] = server.requests.find((r) => r.json?.purchase?.purchaseReference === '7')?.json;
		}
		results[id] = { label, times, median: median(times) };
		log(`${label}: median ${median(times)} ms over ${REPS} runs`);
	}
	// The floor: the same requests from a plain fetch loop in this process.
	for (const [id, label, concurrency] of [
		['fetch-seq', 'raw fetch loop, sequential', 1],
		['fetch-conc', `raw fetch, ${CONCURRENCY} at a time`, CONCURRENCY],
	]) {
		const times = [];
		for (let rep = 0; rep < REPS; rep++) {
			const started = performance.now();
			let next = 0;
			await Promise.all(
				Array.from({ length: concurrency }, async () => {
					while (next < ITEMS) {
						const i = next++;
						const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(bodyOf(i)) });
						await res.text();
					}
				}),
			);
			times.push(Math.round(performance.now() - started));
		}
		results[id] = { label, times, median: median(times) };
		log(`${label}: median ${median(times)} ms`);
	}
	results.sameBody = ['http-seq', 'http-seq-plain', 'http-fast', 'http-batch', 'ours-conc', 'ours-json-seq', 'ours-json-conc'].every((id) => JSON.stringify(results[`${id}:body`]) === JSON.stringify(bodyOf(7))) && JSON.stringify(results['ours-seq:body']) === JSON.stringify(bodyOf(7));
	return results;
}

// ---- 1b. the same with network latency -----------------------------------------------------------------
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);

// HTTP Request one item at a time, as n8n users build it: Loop Over Items (batch size 1) around the node.
function loopWorkflow(id, target) {
	const workflow = itemsWorkflow(id, target);
	workflow.nodes.push({ id: 'loop', name: 'Loop', type: 'n8n-nodes-base.splitInBatches', typeVersion: 3, position: [300, 0], parameters: { batchSize: 1, options: {} } });
	workflow.connections = {
		Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
		Items: { main: [[{ node: 'Loop', type: 'main', index: 0 }]] },
		Loop: { main: [[], [{ node: 'Target', type: 'main', index: 0 }]] },
		Target: { main: [[{ node: 'Loop', type: 'main', index: 0 }]] },
	};
	return workflow;
}

async function benchLatency(n8n, server) {
	const url = `${server.baseUrl}/partner/v3/shops/${SHOP}/pos-sessions`;
	const variants = [
		['lat-ours-seq', 'Inbank Smart Rent, JSON mode, sequential', itemsWorkflow, ourJsonNode(1)],
		['lat-ours-conc', `Inbank Smart Rent, JSON mode, Concurrency ${CONCURRENCY}`, itemsWorkflow, ourJsonNode(CONCURRENCY)],
		['lat-http-loop', 'HTTP Request (key typed into a header) in Loop Over Items, batch size 1: one request at a time', loopWorkflow, httpNode(url)],
		['lat-http-seq', 'HTTP Request (key typed into a header), batch size 1, interval 1 ms: does not wait for answers', itemsWorkflow, httpNode(url, { batchSize: 1, batchInterval: 1 })],
	];
	await n8n.importWorkflows(variants.map(([id, , build, node]) => build(`bench-${id}`, node)));
	server.latencyMs = LATENCY_MS;
	const results = {};
	try {
		for (const [id, label] of variants) {
			const times = [];
			for (let rep = 0; rep < REPS; rep++) {
				server.requests.length = 0;
				const result = await n8n.execute(`bench-${id}`);
				const runData = result.execution?.data?.resultData?.runData;
				if (!result.ok || !runData?.Target) throw new Error(`${id} failed: ${result.output.slice(-1500)}`);
				if (server.requests.length !== ITEMS) throw new Error(`${id} sent ${server.requests.length} requests`);
				// The nodes doing the work: the target, and for the loop build every run of the loop too.
				const busy = ['Target', 'Loop'].flatMap((name) => runData[name] ?? []).reduce((sum, r) => sum + r.executionTime, 0);
				times.push(busy);
			}
			results[id] = { label, times, median: median(times) };
			log(`${label}: median ${median(times)} ms`);
		}
	} finally {
		server.latencyMs = 0;
	}
	return results;
}

// ---- 2. callbacks -----------------------------------------------------------------------------------
async function countExecutions(n8n, workflowId, status = 'success') {
	const script = `const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(${JSON.stringify(join(n8n.home, '.n8n', 'database.sqlite'))}, { readOnly: true });
const row = db.prepare("SELECT COUNT(*) AS n FROM execution_entity WHERE workflowId = ? AND status = ?").get(${JSON.stringify(workflowId)}, ${JSON.stringify(status)});
console.log(row.n);`;
	const { stdout } = await run(n8n.runtime.nodeBin, ['-e', script]);
	return Number(stdout.trim());
}

async function fireCallbacks(url, count, concurrency = 20, uuids = Array.from({ length: count }, () => randomUUID())) {
	const latencies = [];
	const statuses = {};
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < count) {
				const init = signedCallback(uuids[next++]);
				const t = performance.now();
				const res = await fetch(url, init);
				await res.text();
				latencies.push(performance.now() - t);
				statuses[res.status] = (statuses[res.status] ?? 0) + 1;
			}
		}),
	);
	return { seconds: (performance.now() - started) / 1000, latencies, statuses, uuids };
}

/** How many executions of the workflow after `afterId` ran its last node (Done): what reached downstream. */
async function doneRuns(n8n, workflowId, afterId) {
	const flatted = join(n8n.runtime.dir, 'node_modules', 'flatted', 'cjs', 'index.js');
	return await sqlite(n8n, `const { parse } = require(${JSON.stringify(flatted)});
const rows = db.prepare('SELECT d.data FROM execution_data d JOIN execution_entity e ON e.id = d.executionId WHERE e.workflowId = ? AND e.id > ?').all(${JSON.stringify(workflowId)}, ${Number(afterId)});
console.log(JSON.stringify(rows.filter((row) => (parse(row.data).resultData.runData.Done ?? []).some((run) => (run.data?.main?.[0] ?? []).length > 0)).length));`);
}

async function lastExecutionId(n8n, workflowId) {
	return await sqlite(n8n, `console.log(JSON.stringify(db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM execution_entity WHERE workflowId = ?').get(${JSON.stringify(workflowId)}).id));`);
}

/** Callbacks re-sent (freshly signed, same session and status) after a build handled them once. */
const RESEND = Number(process.env.BENCH_RESEND ?? 400);

// The trigger's ledger at its cap: n8n's processed-data row of the node filled with LEDGER_CAP entries
// (the default Remember Deliveries), as after that many deliveries, before the callbacks arrive.
const LEDGER_CAP = 10_000;
const CAP_CALLBACKS = Math.min(CALLBACKS, Number(process.env.BENCH_CAP_CALLBACKS ?? 500));

/** Runs a script with the runtime's Node 24 against n8n's SQLite database (node:sqlite). */
async function sqlite(n8n, body) {
	const script = `const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(${JSON.stringify(join(n8n.home, '.n8n', 'database.sqlite'))});
${body}`;
	const { stdout } = await run(n8n.runtime.nodeBin, ['-e', script], { maxBuffer: 256 * 1024 * 1024 });
	return stdout.trim() ? JSON.parse(stdout) : undefined;
}

async function seedLedger(n8n, workflowId, nodeId, entries) {
	// n8n's format: the md5 (base64) of each key, in one JSON row per workflow + node.
	await sqlite(n8n, `const { createHash } = require('node:crypto');
const data = Array.from({ length: ${entries} }, (_, i) => createHash('md5').update('seed-' + i).digest('base64'));
db.prepare('INSERT INTO processed_data (workflowId, context, value) VALUES (?, ?, ?)').run(${JSON.stringify(workflowId)}, ${JSON.stringify(`n:${nodeId}`)}, JSON.stringify({ mode: 'entries', data }));`);
}

/**
 * The trigger node's own step in each execution (its execute(): the claim in n8n's processed-data store
 * and the routing), as n8n records it (runData executionTime), and the size of the node's stored row,
 * which n8n rewrites whole on every new claim.
 */
async function triggerStep(n8n, workflowId) {
	const flatted = join(n8n.runtime.dir, 'node_modules', 'flatted', 'cjs', 'index.js');
	return await sqlite(n8n, `const { parse } = require(${JSON.stringify(flatted)});
const times = db.prepare("SELECT d.data FROM execution_data d JOIN execution_entity e ON e.id = d.executionId WHERE e.workflowId = ? AND e.status = 'success'").all(${JSON.stringify(workflowId)})
	.map((row) => parse(row.data).resultData.runData.Trigger?.[0]?.executionTime).filter((t) => typeof t === 'number');
const row = db.prepare('SELECT value FROM processed_data WHERE workflowId = ?').get(${JSON.stringify(workflowId)});
console.log(JSON.stringify({ times, rowBytes: row ? Buffer.byteLength(row.value) : 0, entries: row ? JSON.parse(row.value).data.length : 0 }));`);
}

async function benchCallbacks(n8n) {
	const triggerId = randomUUID();
	const webhookId = randomUUID();
	const dedupeId = randomUUID();
	const capId = randomUUID();
	const seqId = randomUUID();
	await n8n.importWorkflows([
		callbackWorkflow('trigger', 'bench-trigger-ours', triggerId),
		callbackWorkflow('dedupe', 'bench-webhook-dedupe', dedupeId),
		callbackWorkflow('webhook', 'bench-webhook-code', webhookId),
		callbackWorkflow('trigger', 'bench-trigger-seq', seqId),
		callbackWorkflow('trigger', 'bench-trigger-cap', capId),
	]);
	for (const id of ['bench-trigger-ours', 'bench-webhook-dedupe', 'bench-webhook-code', 'bench-trigger-seq', 'bench-trigger-cap']) await n8n.publish(id);
	await seedLedger(n8n, 'bench-trigger-cap', 't', LEDGER_CAP);
	await n8n.start();
	const results = {};
	// The last two send one callback at a time, so that the trigger's step time is its own cost, not a wait.
	const runsInOrder = [
		['trigger', 'Inbank Smart Rent Trigger (signature check, dedupe)', callbackPath('trigger', triggerId), 'bench-trigger-ours', CALLBACKS, 20],
		['dedupe', 'Webhook node + Code node (same HMAC check) + Remove Duplicates (items processed in previous executions)', callbackPath('dedupe', dedupeId), 'bench-webhook-dedupe', CALLBACKS, 20],
		['webhook', 'Webhook node + Code node (same HMAC check), no dedupe', callbackPath('webhook', webhookId), 'bench-webhook-code', CALLBACKS, 20],
		['seq', 'Inbank Smart Rent Trigger, one callback at a time, ledger filling', callbackPath('trigger', seqId), 'bench-trigger-seq', CAP_CALLBACKS, 1],
		['cap', `Inbank Smart Rent Trigger, one callback at a time, ledger at its cap (${LEDGER_CAP.toLocaleString('en')} deliveries stored)`, callbackPath('trigger', capId), 'bench-trigger-cap', CAP_CALLBACKS, 1],
	];
	// BENCH_DEDUPE_FIRST=1: the hand-built dedupe workflow before the trigger (a shared machine's load drifts).
	if (process.env.BENCH_DEDUPE_FIRST === '1') runsInOrder.unshift(...runsInOrder.splice(1, 1));
	for (const [id, label, path, workflowId, count, concurrency] of runsInOrder) {
		await n8n.webhook(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }); // registration warm-up
		// The warm-up's own execution (a failed one in the Webhook builds) is over before counting starts.
		await new Promise((r) => setTimeout(r, 2000));
		const before = await countExecutions(n8n, workflowId);
		const failedBefore = await countExecutions(n8n, workflowId, 'error');
		const fired = await fireCallbacks(`${n8n.baseUrl}/webhook/${path}`, count, concurrency);
		const firedAt = performance.now() - fired.seconds * 1000;
		const deadline = Date.now() + 600_000;
		let done = before;
		let failed = 0;
		while (Date.now() < deadline) {
			done = await countExecutions(n8n, workflowId);
			failed = (await countExecutions(n8n, workflowId, 'error')) - failedBefore;
			if (done - before + failed >= count) break;
			await new Promise((r) => setTimeout(r, 1000));
		}
		const completedSeconds = (performance.now() - firedAt) / 1000;
		results[id] = {
			label,
			callbacks: count,
			concurrency,
			acceptedPerSecond: count / fired.seconds,
			p50: percentile(fired.latencies, 50),
			p95: percentile(fired.latencies, 95),
			p99: percentile(fired.latencies, 99),
			statuses: fired.statuses,
			executions: done - before,
			failedExecutions: failed,
			executionsPerSecond: (done - before) / completedSeconds,
		};
		if (id === 'trigger' || id === 'dedupe') {
			// A sample of the handled deliveries again, freshly signed, a few at a time: which of them reach Done.
			const mark = await lastExecutionId(n8n, workflowId);
			const sample = fired.uuids.filter((_, i) => i % Math.max(1, Math.floor(count / RESEND)) === 0).slice(0, RESEND);
			const again = await fireCallbacks(`${n8n.baseUrl}/webhook/${path}`, sample.length, 4, sample);
			await new Promise((r) => setTimeout(r, 5000));
			results[id].resent = { callbacks: sample.length, statuses: again.statuses, ranAgain: await doneRuns(n8n, workflowId, mark) };
		}
		if (workflowId.startsWith('bench-trigger')) {
			const step = await triggerStep(n8n, workflowId);
			results[id].step = { median: median(step.times), p99: percentile(step.times, 99), runs: step.times.length, rowBytes: step.rowBytes, entries: step.entries };
		}
		log(`${label}: ${(count / fired.seconds).toFixed(1)}/s, p50 ${results[id].p50.toFixed(1)} ms, p95 ${results[id].p95.toFixed(1)} ms, p99 ${results[id].p99.toFixed(1)} ms, executions ${done - before} (${failed} failed)${results[id].step ? `, trigger step median ${results[id].step.median} ms, p99 ${results[id].step.p99} ms, stored row ${results[id].step.rowBytes} bytes` : ''}${results[id].resent ? `; ${results[id].resent.callbacks} re-sent, ${results[id].resent.ranAgain} ran again` : ''}`);
	}
	log(`trigger step at the ledger's cap / while it fills: ${(results.cap.step.median / results.seq.step.median).toFixed(2)} ×`);
	return results;
}

// ---- 3. microbenchmark and size -----------------------------------------------------------------------
async function benchMicro() {
	// What Create POS session's execute does per item before sending: build the body (createBody.js), validate it
	// (the request schema) and apply the country rules, from the compiled dist/.
	const createBody = require(join(REPO, 'dist/nodes/InbankSmartRent/actions/posSession/createBody.js'));
	const { posSessionCreateRequest } = require(join(REPO, 'dist/nodes/InbankSmartRent/contract/posSession.js'));
	const parameters = {
		productCode: 'smart_rent_bench',
		currency: 'EUR',
		locale: 'et-EE',
		period: 24,
		insuranceUsed: true,
		assets: { asset: [{ type: 'MODEL_BASED', modelId: 'm-1', modelName: 'iPhone', netPrice: 449 }, { type: 'CATEGORY_BASED', categoryCode: 'add_on', modelName: 'Case', netPrice: '19.50' }] },
		purchaseDescription: 'Order 1',
		customerData: {},
		customerContactData: { contact: { email: 'mari@example.com', mobile: '+37255555555' } },
		merchants: {},
		purchaseReference: '1',
		callbackUrl: 'https://n8n.example.com/webhook/x/callback',
		partnerUrls: { urls: { returnUrl: 'https://shop.example.com/r', cancelUrl: 'https://shop.example.com/c' } },
		additionalFields: { userIp: '203.0.113.7' },
	};
	const once = () => {
		const parsed = posSessionCreateRequest.safeParse(createBody.buildBodyFromFields((name, fallback) => parameters[name] ?? fallback));
		if (!parsed.success || createBody.countryProblems(parsed.data, 'ee').length > 0) throw new Error('the bench body was refused');
		return parsed.data;
	};
	for (let i = 0; i < 2000; i++) once();
	const samples = [];
	for (let round = 0; round < 7; round++) {
		const n = 20_000;
		const t = process.hrtime.bigint();
		for (let i = 0; i < n; i++) once();
		samples.push(Number(process.hrtime.bigint() - t) / 1000 / n);
	}
	const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO });
	const [pack] = JSON.parse(stdout);
	return { perItemMicros: median(samples), bestMicros: Math.min(...samples), samples, packedBytes: pack.size, unpackedBytes: pack.unpackedSize, files: pack.entryCount ?? pack.files.length };
}

// ---- 3b. the per-run parameter cache ---------------------------------------------------------------
// What Create POS session reads per item (Fields mode, the bench's 2 expressions), read through n8n-core's real
// engine (test/support/engine.js): the parameters without expressions once with n8n's getNodeParameter and once
// through the node's per-run cache; the 2 parameters with expressions (n8n evaluates them per item either way).
async function benchParams() {
	const { runWorkflow } = require('../../test/support/engine.js');
	const { InbankSmartRent } = require(join(REPO, 'dist/nodes/InbankSmartRent/InbankSmartRent.node.js'));
	const { itemParameters } = require(join(REPO, 'dist/nodes/InbankSmartRent/actions/shared/operation.js'));
	const constants = [['inputMode', 'fields'], ['customerData', {}], ['customerContactData', {}], ['merchants', {}], ['partnerUrls', {}], ['productCode'], ['currency', 'EUR'], ['locale'], ['insuranceUsed', true], ['assets', {}], ['period'], ['options', {}], ['options', {}]];
	const expressions = [['additionalFields', {}], ['purchaseDescription']];
	const description = new InbankSmartRent().description;
	let timed;
	const probe = (cached, reads) => ({
		description,
		async execute() {
			const context = cached ? itemParameters(this) : this;
			const items = this.getInputData();
			const started = process.hrtime.bigint();
			for (let i = 0; i < items.length; i++) for (const [name, fallback] of reads) context.getNodeParameter(name, i, fallback);
			timed = Number(process.hrtime.bigint() - started) / 1000 / items.length;
			return [items];
		},
	});
	const { parameters } = ourNode(1);
	const items = Array.from({ length: ITEMS }, (_, i) => ({ json: { i } }));
	const variants = { n8n: [false, constants], cached: [true, constants], expressions: [false, expressions] };
	const samples = { n8n: [], cached: [], expressions: [] };
	for (let rep = 0; rep < REPS; rep++) {
		for (const [label, [cached, reads]] of Object.entries(variants)) {
			await runWorkflow({ nodes: [{ id: '1', name: 'Target', type: 'probe', typeVersion: 1, position: [0, 0], parameters }], nodeTypes: { probe: probe(cached, reads) }, items });
			samples[label].push(timed);
		}
	}
	const result = Object.fromEntries(Object.entries(samples).map(([label, xs]) => [label, { median: median(xs), best: Math.min(...xs) }]));
	log(`parameters without expressions per item: n8n ${result.n8n.median.toFixed(1)} µs, cached ${result.cached.median.toFixed(1)} µs; the 2 expressions ${result.expressions.median.toFixed(1)} µs`);
	return { ...result, samples };
}

// The hand-written part of BENCHMARKS.md, kept when the figures above it are written again.
const FINDINGS = '## Findings';

// ---- report ------------------------------------------------------------------------------------------
function report(create, latency, callbacks, micro, params, meta) {
	const r = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
	const ratio = (a, b) => create[a].median / create[b].median;
	const versus = (label, a, b, target) => {
		const x = ratio(a, b);
		return `| ${label} | ${create[a].median} ms vs ${create[b].median} ms | ${r(x)} × | ${x <= target ? 'yes' : 'no'} |`;
	};
	const faster = (label, a, b) => {
		const x = 1 / ratio(a, b);
		return `| ${label} | ${create[a].median} ms vs ${create[b].median} ms | ${r(x)} × faster | ${x >= 3 ? 'yes' : 'no'} |`;
	};
	const cbRatio = callbacks.trigger.acceptedPerSecond / callbacks.dedupe.acceptedPerSecond;
	const row = (id) => `| ${create[id].label} | ${create[id].median} | ${create[id].times.join(', ')} |`;
	return `# Benchmarks

Measured by \`npm run bench\` (scripts/bench/run.mjs) on ${meta.date}: ${meta.machine}; Node ${meta.node} runs n8n
${meta.n8n}; the benchmark itself runs on the machine's Node ${process.versions.node}. Medians of ${REPS} runs where
repeated. Every figure below comes from the same run.

To repeat: \`npm install && npm run bench\` (first run also installs Node 24 and n8n into the cache).
\`BENCH_REPS\`, \`BENCH_ITEMS\` and \`BENCH_CALLBACKS\` scale it down for a quick look; \`BENCH_ONLY=create\` (or
\`callbacks\`, \`micro\`, \`params\`) runs one part and prints it without writing this file. Where the time goes:
\`node scripts/bench/profile-create.mjs ours|http\` and \`node scripts/bench/profile-callbacks.mjs trigger|webhook\`
run the same workloads under \`node --cpu-prof\` and print n8n's CPU by package and function.

## Summary

| Target | Figure | Ratio | Met |
| --- | --- | --- | --- |
${versus('Create, sequential: ≤ 1.05 × HTTP Request (each building the body with one expression; key typed into a header)', 'ours-json-seq', 'http-seq-plain', 1.05)}
${versus('the same, HTTP Request keeping the key in a Header Auth credential', 'ours-json-seq', 'http-seq', 1.05)}
${versus('Fields mode (2 expressions per item) vs HTTP Request, key typed into a header', 'ours-seq', 'http-seq-plain', 1.05)}
${faster('Create with Concurrency 8: ≥ 3 × faster than HTTP Request sequential (key typed into a header)', 'ours-json-conc', 'http-seq-plain')}
${faster('the same, HTTP Request with a Header Auth credential', 'ours-json-conc', 'http-seq')}
| With ${LATENCY_MS} ms of network latency: Concurrency 8 ≥ 3 × faster than HTTP Request one request at a time (Loop Over Items) | ${latency['lat-ours-conc'].median} ms vs ${latency['lat-http-loop'].median} ms | ${r(latency['lat-http-loop'].median / latency['lat-ours-conc'].median)} × faster | ${latency['lat-http-loop'].median / latency['lat-ours-conc'].median >= 3 ? 'yes' : 'no'} |
| Callbacks accepted: ≥ 1.0 × Webhook + Code + Remove Duplicates (the same guarantee built by hand) | ${r(callbacks.trigger.acceptedPerSecond)}/s vs ${r(callbacks.dedupe.acceptedPerSecond)}/s | ${r(cbRatio)} × | ${cbRatio >= 1 ? 'yes' : 'no'} |
| Validation + body building: ≤ 20 µs per item | ${r(micro.perItemMicros)} µs | | ${micro.perItemMicros <= 20 ? 'yes' : 'no'} |
| Packed tarball: ≤ 80 kB | ${(micro.packedBytes / 1024).toFixed(1)} kB (${micro.files} files, ${(micro.unpackedBytes / 1024).toFixed(1)} kB unpacked) | | ${micro.packedBytes <= 80 * 1024 ? 'yes' : 'no'} |

## 1. Create POS Session for ${ITEMS} items

Against a minimal local HTTP server (test/support/http-recorder.js answering 201), not the sandbox, so that
the server is not what is measured. Time is the node's own execution time as n8n records it (runData
executionTime). The body of every variant was ${create.sameBody ? 'checked identical' : '**not** identical (see the script)'}.

| Variant | Median ms | Runs (ms) |
| --- | --- | --- |
${['ours-json-seq', 'ours-seq', 'http-seq-plain', 'http-seq', 'ours-json-conc', 'ours-conc', 'http-batch', 'http-fast'].map(row).join('\n')}
| ${create['fetch-seq'].label} (floor) | ${create['fetch-seq'].median} | ${create['fetch-seq'].times.join(', ')} |
| ${create['fetch-conc'].label} (floor) | ${create['fetch-conc'].median} | ${create['fetch-conc'].times.join(', ')} |

The HTTP Request node has no strictly sequential mode: without batching it starts every item's request at
once; "batch size 1, interval 1 ms" starts one request per millisecond, which is what a user sets to avoid
flooding an API. Our node's sequential mode waits for each answer (so a 429 can slow the next item down),
and Options → Concurrency bounds the parallel requests.

## 1b. The same ${ITEMS} items against a server that answers after ${LATENCY_MS} ms

A local server answers in well under a millisecond, so section 1 measures CPU in n8n's single thread, where
concurrency has little to overlap. Inbank answers over the internet; here the same server waits ${LATENCY_MS} ms before
each answer (\`BENCH_LATENCY_MS\`). Time is the sum of the working nodes' execution times (for the loop build:
every run of the HTTP Request node and of Loop Over Items).

| Variant | Median ms | Runs (ms) |
| --- | --- | --- |
${['lat-ours-seq', 'lat-ours-conc', 'lat-http-loop', 'lat-http-seq'].map((id) => `| ${latency[id].label} | ${latency[id].median} | ${latency[id].times.join(', ')} |`).join('\n')}

## 2. ${CALLBACKS} signed callbacks into a published workflow

${CALLBACKS} distinct signed callbacks, 20 at a time, to each workflow's production URL, at n8n's default settings;
executions counted in n8n's database (status success). Then ${RESEND} of them sent again (freshly signed, same
session and status, 4 at a time): "ran again" counts executions whose last node got an item.

| Workflow | Accepted / s | p50 ms | p95 ms | p99 ms | HTTP answers | Executions (failed) | Executions / s | Re-sent: ran again |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${['trigger', 'dedupe', 'webhook', 'seq', 'cap'].map((id) => `| ${callbacks[id].label}${callbacks[id].concurrency === 1 ? `, ${callbacks[id].callbacks} callbacks` : ''} | ${r(callbacks[id].acceptedPerSecond)} | ${r(callbacks[id].p50)} | ${r(callbacks[id].p95)} | ${r(callbacks[id].p99)} | ${Object.entries(callbacks[id].statuses).map(([s, n]) => `${n} × ${s}`).join(', ')} | ${callbacks[id].executions} (${callbacks[id].failedExecutions}) | ${r(callbacks[id].executionsPerSecond)} | ${callbacks[id].resent ? `${callbacks[id].resent.ranAgain} of ${callbacks[id].resent.callbacks}` : '–'} |`).join('\n')}

The Webhook + Code builds start an execution for every request, forged ones included (the Code node fails
them afterwards); the trigger refuses them with 401 before any execution, and acknowledges a repeat it has
handled without starting one. n8n's Remove Duplicates node reads, changes and writes back its row in n8n's
processed-data store with nothing serialising executions that run at once, so one can erase another's
record; the trigger makes one node's calls one at a time and looks its claims up again.

The trigger's own step in each execution (its execute(): the claim in n8n's processed-data store, one call
of the node at a time, then the routing), as n8n records it, and the node's row in n8n's \`processed_data\`
table, which n8n reads and rewrites whole for every call (claims waiting for a call are made together in the
next; the look-up of a claim, a few hundred ms later, rides along with the next call or makes its own, and
the execution does not wait for it). With 20 callbacks at a time the step time is mostly waiting for n8n's
thread and database; one at a time it is the step's own cost:

| Callbacks at a time, ledger | Step median ms | Step p99 ms | Runs | Stored row at the end (entries, bytes rewritten per claim) |
| --- | --- | --- | --- | --- |
${['trigger', 'seq', 'cap'].map((id) => `| ${callbacks[id].concurrency}, ${id === 'cap' ? `at its cap (${LEDGER_CAP.toLocaleString('en')})` : 'filling from empty'} | ${r(callbacks[id].step.median)} | ${r(callbacks[id].step.p99)} | ${callbacks[id].step.runs} | ${callbacks[id].step.entries} entries, ${callbacks[id].step.rowBytes} bytes |`).join('\n')}

One claim at the cap costs **${r(callbacks.cap.step.median / callbacks.seq.step.median)} ×** one while the ledger fills
(step medians, one callback at a time): the ledger's cost per claim at its size.

## 3. Per item and package

- Validation + body building of one Create POS Session item (Fields mode, zod schema, compiled dist/):
  **${r(micro.perItemMicros)} µs** (median of 7 × 20,000; best ${r(micro.bestMicros)} µs; samples ${micro.samples.map((s) => s.toFixed(2)).join(', ')} µs).
- Packed tarball: **${micro.packedBytes} bytes** (${micro.files} files; ${micro.unpackedBytes} bytes unpacked).
- Reading Create POS session's 13 parameters without expressions per item (n8n-core's WorkflowExecute, ${ITEMS}
  items, median of ${REPS}; best in brackets): n8n's getNodeParameter **${r(params.n8n.median)} µs** (${r(params.n8n.best)}),
  the node's per-run cache **${r(params.cached.median)} µs** (${r(params.cached.best)}); for scale, the 2 parameters
  with expressions, which n8n evaluates per item either way: ${r(params.expressions.median)} µs (${r(params.expressions.best)}).
  test/unit/InbankSmartRent/engine.test.ts proves the cache reads what n8n reads.
`;
}

async function main() {
	log('building and packing');
	await packPackage();
	if (ONLY && [...ONLY].every((part) => part === 'micro' || part === 'params')) {
		// These need no n8n runtime.
		const out = {};
		if (ONLY.has('micro')) out.micro = await benchMicro();
		if (ONLY.has('params')) out.params = await benchParams();
		console.log(JSON.stringify(out, null, 2));
		return;
	}
	const server = await startRecorder(() => ({ status: 201, body: { uuid: randomUUID(), status: 'pending', redirectUrl: 'http://127.0.0.1/s' }, delayMs: server.latencyMs }));
	server.latencyMs = 0;
	// The Webhook + Code build needs crypto in the Code node, as a user would allow it.
	const n8n = await N8n.create({ env: { NODE_FUNCTION_ALLOW_BUILTIN: 'crypto' } });
	try {
		await n8n.importCredentials([
			{ ...CREDENTIAL, type: 'inbankApi', data: credentialData(server.baseUrl) },
			{ ...HEADER_AUTH, type: 'httpHeaderAuth', data: { name: 'Authorization', value: `Bearer ${KEY}` } },
		]);
		let create;
		let callbacks;
		let micro;
		if (runs('create')) {
			log(`1. create ${ITEMS} sessions, ${REPS} runs per variant`);
			create = await benchCreate(n8n, server);
		}
		let latency;
		if (runs('latency')) {
			log(`1b. create ${ITEMS} sessions against a server answering after ${LATENCY_MS} ms`);
			latency = await benchLatency(n8n, server);
		}
		if (runs('callbacks')) {
			log(`2. ${CALLBACKS} callbacks per workflow`);
			callbacks = await benchCallbacks(n8n);
		}
		if (runs('micro')) {
			log('3. microbenchmark and package size');
			micro = await benchMicro();
		}
		let params;
		if (runs('params')) {
			log('3b. parameter reading per item, n8n vs the per-run cache');
			params = await benchParams();
		}
		if (ONLY) {
			console.log(JSON.stringify({ create, latency, callbacks, micro, params }, (key, value) => (key === 'latencies' ? undefined : value), 2));
			return;
		}
		const { stdout: cpu } = await run('bash', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2; nproc"]);
		const n8nVersion = (await n8n.cli(['--version'])).stdout.trim().split('\n').pop();
		const meta = { date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC', machine: cpu.trim().replace('\n', ', ') + ' cores', node: (await run(n8n.runtime.nodeBin, ['-v'])).stdout.trim(), n8n: n8nVersion };
		const markdown = report(create, latency, callbacks, micro, params, meta);
		const findings = readFileSync(join(REPO, 'BENCHMARKS.md'), 'utf8').split(FINDINGS)[1];
		writeFileSync(join(REPO, 'BENCHMARKS.md'), findings ? `${markdown}\n${FINDINGS}${findings}` : markdown);
		console.log(`\n${markdown}`);
	} finally {
		await n8n.stop();
		await server.close();
	}
}

main().catch((error) => {
	console.error(`bench failed: ${error.stack ?? error}`);
	process.exitCode = 1;
});
