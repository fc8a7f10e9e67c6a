// n8n 2.41.1 in queue mode with this package: main (no production webhooks) + 2 workers + 2 webhook
// processes, PostgreSQL and Redis of their own, a load balancer in front of the webhook processes, the
// Inbank sandbox. Proves where the work runs and what a duplicate delivery does across processes:
// - Create (the shop's checkout webhook) and the lifecycle operations (Get, Update Asset Identifiers,
//   Activate, run by the full-flow example on the `granted` callback) run on the workers;
// - signed callbacks through either webhook process run on a worker; forged ones start nothing;
// - a copy of a delivery sent to the other webhook process a few seconds later starts nothing downstream;
// - after restarting the webhook processes and the workers, re-sent deliveries start nothing;
// - the first claims of a new trigger, made by both workers at the same moment, all run (n8n creates the
//   node's row with an INSERT: one of two collides on the primary key and is made again);
// - distinct deliveries claimed at the same moment by both workers stay claimed (n8n's store rewrites the
//   node's whole row: a claim erased by the other worker's write is found missing and recorded again): a
//   copy of each to the other webhook process later starts nothing;
// - how many of N copies sent to both processes at the same moment ran twice, within the README's bound: only
//   a delivery whose two copies were claimed by the two workers (in one process, claims are made one at a time);
// - N copies sent to one process at the same moment run once each (why the README routes callbacks to one).
// Run: npm run test:queue (bash test/queue/run.sh). Figures are printed at the end.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';

import { DEFAULT_SHOP, startSandbox } from '../../sandbox/server.mjs';
import { form, signedFields } from '../e2e/lib/callbacks.mjs';
import { CREDENTIAL, demoOrder, EXAMPLES, loadExample, sandboxControl, sandboxCredential } from '../e2e/lib/flow.mjs';
import { ensureRuntime, packPackage, sleep, triggerWorkflow, waitFor } from '../e2e/lib/n8n.mjs';
import { startBalancer } from './lib/balancer.mjs';
import { QueueCluster } from './lib/cluster.mjs';
import { ensureServices, startPostgres, startRedis } from './lib/services.mjs';

const require = createRequire(import.meta.url);
const { startRecorder } = require('../support/http-recorder.js');

const SIMULTANEOUS = Number(process.env.QUEUE_SIMULTANEOUS ?? 20);
const SEQUENTIAL = 5;
/** Distinct deliveries claimed by both workers at once, each then copied to the other webhook process. */
const DISTINCT = Number(process.env.QUEUE_DISTINCT ?? 60);
/** New triggers whose first claims both workers make at the same moment. */
const FRESH = 6;
const IDS = { checkout: 'queueCheckout01', fullFlow: 'queueFullFlow01', recorder: 'queueRecorder01', race: 'queueRace01' };
const FRESH_IDS = Array.from({ length: FRESH }, (_, i) => `queueFresh${String(i + 1).padStart(2, '0')}`);
const RECORDER_WEBHOOK = randomUUID();
const RACE_WEBHOOK = randomUUID();
const FRESH_WEBHOOKS = FRESH_IDS.map(() => randomUUID());
const say = (...args) => console.log('[queue]', ...args);

describe('n8n queue mode: main + 2 workers + 2 webhook processes', { timeout: 1_800_000 }, () => {
	const suiteStarted = Date.now();
	const figures = { startMs: {}, restartMs: {}, memoryMb: {}, simultaneous: undefined, firstClaims: undefined, distinct: undefined };
	let pg;
	let redis;
	let sandbox;
	let recorder;
	let balancer;
	let cluster;
	/** The example's full-flow webhook on one webhook process. */
	let fullFlowId;
	const fullFlowUrl = (proc) => `${cluster.url(proc)}/webhook/${fullFlowId}/callback`;
	const recorderUrl = (proc) => `${cluster.url(proc)}/webhook/${RECORDER_WEBHOOK}/callback`;
	const notes = (order) => recorder.requests.filter((r) => r.path === `/api/orders/${order}/notes`).map((r) => r.json);
	const recorded = () => recorder.requests.filter((r) => r.path === `/executions/${IDS.recorder}`).map((r) => r.json);
	const runsOf = (uuid, since = 0) => recorded().slice(since).filter((item) => item?.uuid === uuid).length;
	const triggerUrl = (proc, webhookId) => `${cluster.url(proc)}/webhook/${webhookId}/callback`;
	/** The items a trigger workflow other than the recorder posted, by workflow id. */
	const itemsOf = (workflowId) => recorder.requests.filter((r) => r.path === `/executions/${workflowId}`).map((r) => r.json);
	/** Sums a number the workers logged, over the lines matching `pattern` (first group), since `from` per worker. */
	const workerCount = (pattern, from = {}) =>
		cluster.workers.reduce((sum, w) => sum + [...cluster.log_(w.name).slice(from[w.name] ?? 0).matchAll(pattern)].reduce((n, m) => n + Number(m[1] ?? 1), 0), 0);
	const workerLogMarks = () => Object.fromEntries(cluster.workers.map((w) => [w.name, cluster.log_(w.name).length]));

	const control = (method, path, body) => sandboxControl(sandbox.url, method, path, body);

	async function checkout(baseUrl, orderId) {
		const res = await fetch(`${baseUrl}/webhook/shop-checkout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(demoOrder(orderId)) });
		const text = await res.text();
		assert.equal(res.status, 200, `checkout ${orderId} through ${baseUrl}: ${text}`);
		return JSON.parse(text);
	}

	/** The customer approves on the sandbox's page (a plain form post); the sandbox delivers `granted`. */
	async function approve(sessionUuid) {
		const res = await fetch(`${sandbox.url}/session/${sessionUuid}/decision`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=approve', redirect: 'manual' });
		await res.arrayBuffer();
		assert.equal(res.status, 303);
	}

	/** One signed delivery, as Inbank's form body. */
	const delivery = (uuid, status) => form(signedFields(uuid, status, DEFAULT_SHOP.apiKey)).body;
	async function post(url, body) {
		const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
		await res.arrayBuffer();
		return res.status;
	}

	/** Every execution since `afterId` finished, `success`, and in a worker's log (none elsewhere). */
	async function assertRanOnWorkers(afterId, workflowId, expected) {
		const runs = await waitFor(`${expected} ${workflowId} executions to finish`, async () => {
			const list = await cluster.executions({ workflowId, afterId });
			return list.length >= expected && list.every((e) => e.finished || e.status === 'error') ? list : undefined;
		});
		const byWorker = await waitFor('the workers to log them', () => {
			const map = cluster.finishedBy();
			return runs.every((e) => map.has(e.id)) ? map : undefined;
		}, 30_000);
		assert.deepEqual(
			runs.map((e) => [e.status, e.mode]),
			runs.map(() => ['success', 'webhook']),
		);
		const where = {};
		for (const e of runs) where[byWorker.get(e.id)] = (where[byWorker.get(e.id)] ?? 0) + 1;
		for (const name of ['main', ...cluster.webhookProcesses.map((p) => p.name)]) assert.doesNotMatch(cluster.log_(name), /Worker (started|finished) execution/);
		return { runs, where };
	}

	before(async () => {
		const [services, runtime, tarball] = await Promise.all([ensureServices(), ensureRuntime(), packPackage()]);
		figures.prepareMs = Date.now() - suiteStarted;
		pg = await startPostgres({ ...services, log: say });
		redis = await startRedis({ ...services, log: say });
		recorder = await startRecorder(() => ({ status: 200, body: { ok: true } }));
		sandbox = await startSandbox({ port: 0, callbackTimeoutMs: 30_000 });
		cluster = await QueueCluster.create({ runtime, tarball, pg, redis, log: say });
		balancer = await startBalancer(Object.fromEntries(cluster.webhookProcesses.map((p) => [p.name, () => cluster.url(p.name)])));

		const setupStarted = Date.now();
		await cluster.importCredentials([
			sandboxCredential(CREDENTIAL, sandbox.url),
		]);
		// The examples as shipped, their addresses pointed here: Inbank calls back through the balancer.
		const checkoutWf = loadExample(EXAMPLES.checkout, { n8nUrl: balancer.url, shopUrl: recorder.baseUrl, id: IDS.checkout });
		const fullFlowWf = loadExample(EXAMPLES.fullFlow, { n8nUrl: balancer.url, shopUrl: recorder.baseUrl, id: IDS.fullFlow });
		fullFlowId = fullFlowWf.nodes.find((n) => n.type.endsWith('.inbankSmartRentTrigger')).webhookId;
		const recorderWf = triggerWorkflow(IDS.recorder, RECORDER_WEBHOOK, {}, recorder.baseUrl, CREDENTIAL);
		// The recorder also says which execution ran each item (and so, from the workers' logs, which worker).
		recorderWf.nodes[1].parameters.jsonBody = '={{ JSON.stringify(Object.assign({}, $json, { executionId: $execution.id })) }}';
		const raceWf = triggerWorkflow(IDS.race, RACE_WEBHOOK, {}, recorder.baseUrl, CREDENTIAL);
		const freshWfs = FRESH_IDS.map((id, i) => triggerWorkflow(id, FRESH_WEBHOOKS[i], {}, recorder.baseUrl, CREDENTIAL));
		await cluster.importWorkflows([checkoutWf, fullFlowWf, recorderWf, raceWf, ...freshWfs]);
		for (const id of [...Object.values(IDS), ...FRESH_IDS]) await cluster.publish(id);
		figures.importMs = Date.now() - setupStarted;

		const started = Date.now();
		figures.startMs.main = await cluster.start('main');
		const others = [...cluster.workers, ...cluster.webhookProcesses].map((p) => p.name);
		const times = await Promise.all(others.map((name) => cluster.start(name)));
		others.forEach((name, i) => (figures.startMs[name] = times[i]));
		// Production webhooks answer once every webhook process knows them (404 until then).
		for (const p of cluster.webhookProcesses) {
			await waitFor(`the trigger's webhook on ${p.name}`, async () => (await post(recorderUrl(p.name), 'x=1')) !== 404, 60_000);
		}
		figures.startMs.allFive = Date.now() - started;
		figures.memoryMb.afterStart = cluster.memoryMb();
		say(`start-up: ${JSON.stringify(figures.startMs)} ms; memory ${JSON.stringify(figures.memoryMb.afterStart)} MB`);
	});

	after(async () => {
		const stops = [];
		if (cluster) stops.push(cluster.stopAll());
		await Promise.all(stops);
		await balancer?.close();
		await sandbox?.close();
		await recorder?.close();
		await redis?.stop().catch(() => {});
		await pg?.stop().catch(() => {});
		cluster?.cleanup();
		figures.totalMs = Date.now() - suiteStarted;
		say(`figures: ${JSON.stringify(figures)}`);
	});

	it('Create through either webhook process runs on a worker (credential decrypted there)', async () => {
		const mark = await cluster.lastExecutionId();
		const orders = [];
		for (let i = 0; i < 6; i++) {
			const proc = cluster.webhookProcesses[i % 2].name;
			const orderId = `Q-create-${i}-${Date.now()}`;
			const session = await checkout(cluster.url(proc), orderId);
			assert.equal(session.status, 'pending');
			orders.push(session.sessionUuid);
		}
		const stored = await control('GET', '/sessions');
		for (const uuid of orders) assert.equal(stored.find((s) => s.uuid === uuid)?.status, 'pending');
		const { where } = await assertRanOnWorkers(mark, IDS.checkout, 6);
		say(`6 creates: executions per worker ${JSON.stringify(where)}`);
	});

	it('lifecycle operations run on workers; signed callbacks through both webhook processes run on workers', async () => {
		const mark = await cluster.lastExecutionId();
		const callbacksBefore = balancer.log.filter((e) => e.path.endsWith('/callback')).length;
		balancer.route = (() => {
			let i = 0;
			return () => (i++ % 2 === 0 ? 'webhook1' : 'webhook2');
		})();
		for (const tag of ['a', 'b']) {
			const orderId = `Q-flow-${tag}-${Date.now()}`;
			const session = await checkout(balancer.url, orderId);
			await approve(session.sessionUuid);
			const paid = await waitFor(`order ${orderId} paid`, () => notes(orderId).find((n) => /order paid/.test(n.note)));
			assert.equal(paid.status, 'completed');
			assert.ok(notes(orderId).some((n) => /activated/.test(n.note)));
			const state = await control('GET', `/sessions/${session.sessionUuid}`);
			assert.equal(state.status, 'completed');
			const contract = await control('GET', `/contracts/${state.creditContractUuid}`);
			assert.equal(contract.status, 'activated');
			assert.deepEqual(contract.assetIdentifiers, [{ identifier: '356938035643809', identifierType: 'IMEI' }]);
			const callbacks = (await control('GET', '/callbacks')).filter((c) => c.sessionUuid === session.sessionUuid);
			assert.deepEqual(
				callbacks.map((c) => [c.sessionStatus, c.httpStatus]),
				[
					['granted', 200],
					['completed', 200],
				],
			);
		}
		const through = new Set(balancer.log.filter((e) => e.path.endsWith('/callback')).slice(callbacksBefore).map((e) => e.upstream));
		assert.deepEqual([...through].sort(), ['webhook1', 'webhook2']);
		// granted (Get, Update Asset Identifiers, Activate) and completed (Mark Order Paid) for each order.
		const { runs, where } = await assertRanOnWorkers(mark, IDS.fullFlow, 4);
		assert.equal(runs.length, 4);
		say(`2 full flows (4 callback executions): per worker ${JSON.stringify(where)}`);
	});

	it('forged, tampered, future and unsigned callbacks through either process are refused; a stale signed copy of a handled status runs nothing', async () => {
		const session = (await control('GET', '/sessions')).find((s) => s.status === 'completed');
		const mark = await cluster.lastExecutionId();
		const notesBefore = recorder.requests.length;
		const answers = [];
		for (const proc of ['webhook1', 'webhook2']) {
			for (const variant of ['forged', 'tampered', 'stale', 'future', 'unsigned']) {
				const { callback } = await control('POST', `/sessions/${session.uuid}/callback`, { variant, url: fullFlowUrl(proc) });
				answers.push([proc, variant, callback.httpStatus]);
			}
		}
		// Refused before any execution: 401 for a bad or missing signature, 400 when the fields are incomplete.
		// A correctly signed but stale copy is checked against Inbank's record instead (Verify Then Fetch is on):
		// the record confirms it, so it is answered 200, and the duplicate check stops it (the order was handled).
		const refused = answers.filter(([, variant]) => variant !== 'stale');
		assert.ok(
			refused.every(([, , status]) => status === 401 || status === 400),
			JSON.stringify(answers),
		);
		assert.equal(refused.filter(([, variant]) => variant !== 'unsigned').every(([, , status]) => status === 401), true, JSON.stringify(answers));
		assert.ok(answers.filter(([, variant]) => variant === 'stale').every(([, , status]) => status === 200), JSON.stringify(answers));
		await sleep(3000);
		// A stale copy may start an execution whose claim finds the delivery handled: it emits nothing.
		const runs = await cluster.executions({ afterId: mark });
		assert.ok(runs.length <= 2 && runs.every((run) => run.status === 'success'), JSON.stringify(runs));
		assert.equal(recorder.requests.length, notesBefore);
	});

	it(`the first claims of ${FRESH} new triggers, made by both workers at the same moment, all run`, async () => {
		// n8n creates a node's row in its processed-data table with an INSERT when it finds none: two workers
		// making the first claim at once collide on the table's primary key; the trigger claims again.
		const marks = workerLogMarks();
		const mark = await cluster.lastExecutionId();
		const keys = FRESH_IDS.map(() => Array.from({ length: 4 }, () => ({ uuid: randomUUID(), status: 'granted' })));
		for (const [i, batch] of keys.entries()) {
			const answers = await Promise.all(batch.map((k, j) => post(triggerUrl(j % 2 ? 'webhook2' : 'webhook1', FRESH_WEBHOOKS[i]), delivery(k.uuid, k.status))));
			assert.ok(answers.every((status) => status === 200), `${answers}`);
		}
		await waitFor('every first claim to run', () => FRESH_IDS.every((id, i) => keys[i].every((k) => itemsOf(id).some((item) => item?.uuid === k.uuid))), 120_000);
		await sleep(5_000);
		const runs = await cluster.executions({ afterId: mark });
		const failed = runs.filter((e) => FRESH_IDS.includes(e.workflowId) && e.status !== 'success');
		const twice = FRESH_IDS.reduce((n, id, i) => n + keys[i].filter((k) => itemsOf(id).filter((item) => item?.uuid === k.uuid).length > 1).length, 0);
		const conflicts = workerCount(/another process created this trigger's row/g, marks);
		figures.firstClaims = { triggers: FRESH, deliveries: FRESH * 4, conflictsClaimedAgain: conflicts, failedExecutions: failed.length, ranTwice: twice };
		say(`first claims of ${FRESH} new triggers (4 at once each, both processes): ${conflicts} primary-key collisions claimed again; ${failed.length} executions failed; ${twice} ran twice`);
		assert.deepEqual(failed, [], 'an execution failed on its first claim');
		assert.equal(twice, 0);
	});

	it(`${DISTINCT} distinct deliveries claimed at the same moment by both workers stay claimed: a later copy of each to the other webhook process starts nothing`, async () => {
		const marks = workerLogMarks();
		const keys = Array.from({ length: DISTINCT }, (_, i) => ({ uuid: randomUUID(), status: 'completed', first: i % 2 ? 'webhook2' : 'webhook1' }));
		for (const k of keys) k.body = delivery(k.uuid, k.status);
		// Ten at a time, five to each webhook process: the workers' claims overlap.
		for (let i = 0; i < keys.length; i += 10) {
			const answers = await Promise.all(keys.slice(i, i + 10).map((k) => post(triggerUrl(k.first, RACE_WEBHOOK), k.body)));
			assert.ok(answers.every((status) => status === 200), `${answers}`);
		}
		const count = (k) => itemsOf(IDS.race).filter((item) => item?.uuid === k.uuid).length;
		await waitFor('every delivery to run', () => keys.every((k) => count(k) >= 1), 120_000);
		// Look-ups of the claims are due within a second or two.
		await sleep(8_000);
		const repaired = workerCount(/(\d+) claimed deliveries had been erased/g, marks);
		const before = keys.map(count);
		// The copy goes to the webhook process that has not seen the delivery, so that it reaches n8n's store.
		for (let i = 0; i < keys.length; i += 10) {
			const answers = await Promise.all(keys.slice(i, i + 10).map((k) => post(triggerUrl(k.first === 'webhook1' ? 'webhook2' : 'webhook1', RACE_WEBHOOK), k.body)));
			assert.ok(answers.every((status) => status === 200), `${answers}`);
		}
		await sleep(10_000);
		const reran = keys.filter((k, i) => count(k) > before[i]).length;
		figures.distinct = { deliveries: DISTINCT, erasedAndRecordedAgain: repaired, firstRunTwice: before.filter((n) => n > 1).length, copyRanAgain: reran };
		say(`${DISTINCT} distinct deliveries at once on both workers: ${repaired} claims erased by the other worker's write and recorded again; later copies to the other process ran again: ${reran} of ${DISTINCT}`);
		assert.equal(before.filter((n) => n !== 1).length, 0, `distinct deliveries ran ${before}`);
		assert.equal(reran, 0, `${reran} of ${DISTINCT} handled deliveries ran again when a copy reached the other webhook process`);
	});

	/** Deliveries of the sequential test, re-sent after the restart. */
	const sent = [];

	it('a copy delivered to the other webhook process a few seconds later starts nothing downstream', async () => {
		// Inbank's own delivery (the sandbox's) through webhook1, its byte-for-byte copy to webhook2.
		balancer.route = () => 'webhook1';
		const orderId = `Q-copy-${Date.now()}`;
		const session = await checkout(balancer.url, orderId);
		await approve(session.sessionUuid);
		await waitFor(`order ${orderId} paid`, () => notes(orderId).find((n) => /order paid/.test(n.note)));
		sent.push({ orderId, sessionUuid: session.sessionUuid });
		await sleep(3000);
		const copy = await control('POST', `/sessions/${session.sessionUuid}/callback`, { variant: 'duplicate', url: fullFlowUrl('webhook2') });
		assert.equal(copy.callback.httpStatus, 200, 'the copy is acknowledged, so Inbank stops re-sending');

		// SEQUENTIAL more keys on the recorder workflow: to webhook1, then the same bytes to webhook2.
		const since = recorded().length;
		const keys = Array.from({ length: SEQUENTIAL }, () => ({ uuid: randomUUID(), status: 'granted' }));
		for (const key of keys) key.body = delivery(key.uuid, key.status);
		// One at a time, each run finished before the next: nothing here races, the copy comes seconds later.
		for (const key of keys) {
			assert.equal(await post(recorderUrl('webhook1'), key.body), 200);
			await waitFor('the first delivery to run', () => runsOf(key.uuid, since) >= 1, 60_000);
		}
		await sleep(3000);
		for (const key of keys) assert.equal(await post(recorderUrl('webhook2'), key.body), 200);
		sent.push(...keys);
		await sleep(10_000);

		const paidNotes = notes(orderId).filter((n) => /order paid/.test(n.note)).length;
		const twice = keys.filter((k) => runsOf(k.uuid, since) > 1).length;
		say(`copy to the other process: "order paid" ran ${paidNotes}×; ${twice} of ${SEQUENTIAL} recorder keys ran twice`);
		assert.equal(paidNotes, 1, 'the order-paid step ran again for the copy sent to webhook2');
		assert.equal(twice, 0, `${twice} of ${SEQUENTIAL} deliveries ran again when the copy reached the other webhook process`);
	});

	it('after restarting the webhook processes and the workers, re-sent deliveries start nothing', async () => {
		assert.ok(sent.length > 1, 'needs the deliveries of the previous test');
		const names = [...cluster.workers, ...cluster.webhookProcesses].map((p) => p.name);
		const restartStarted = Date.now();
		await Promise.all(names.map((name) => cluster.stop(name)));
		figures.restartMs.stopAll = Date.now() - restartStarted;
		const times = await Promise.all(names.map((name) => cluster.start(name)));
		names.forEach((name, i) => (figures.restartMs[name] = times[i]));
		for (const p of cluster.webhookProcesses) await waitFor(`the webhook on ${p.name}`, async () => (await post(recorderUrl(p.name), 'x=1')) !== 404, 60_000);
		figures.restartMs.total = Date.now() - restartStarted;

		const since = recorded().length;
		const requestsBefore = recorder.requests.length;
		const [order, ...keys] = sent;
		// Inbank's copy (byte for byte) to each process, and a freshly signed one for the same status.
		const answers = [];
		for (const proc of ['webhook1', 'webhook2']) {
			answers.push((await control('POST', `/sessions/${order.sessionUuid}/callback`, { variant: 'duplicate', url: fullFlowUrl(proc) })).callback.httpStatus);
			answers.push((await control('POST', `/sessions/${order.sessionUuid}/callback`, { variant: 'genuine', url: fullFlowUrl(proc) })).callback.httpStatus);
		}
		for (const key of keys) {
			for (const proc of ['webhook1', 'webhook2']) {
				await post(recorderUrl(proc), key.body); // may be past the replay window by now: then refused, fine
				answers.push(await post(recorderUrl(proc), delivery(key.uuid, key.status)));
			}
		}
		assert.ok(answers.every((s) => s === 200), `fresh re-sends are acknowledged, not refused: ${answers}`);
		await sleep(10_000);
		const downstream = recorder.requests.slice(requestsBefore).map((r) => r.path);
		const reran = keys.filter((k) => runsOf(k.uuid, since) > 0).length;
		say(`after the restart: ${downstream.length} downstream requests (${reran} of ${keys.length} recorder keys ran again; paths ${JSON.stringify([...new Set(downstream)])})`);
		assert.deepEqual(downstream, [], 'deliveries already handled before the restart ran again');
	});

	it(`of ${SIMULTANEOUS} copies sent to both webhook processes at the same moment, only those claimed by both workers run twice (the README's bound)`, async () => {
		const since = recorded().length;
		const keys = Array.from({ length: SIMULTANEOUS }, () => ({ uuid: randomUUID(), status: 'completed' }));
		const answers = [];
		// Five pairs at a time; each pair leaves for both processes together.
		for (let i = 0; i < keys.length; i += 5) {
			const batch = keys.slice(i, i + 5);
			const results = await Promise.all(batch.map((k) => Promise.all(['webhook1', 'webhook2'].map((proc) => post(recorderUrl(proc), (k.body ??= delivery(k.uuid, k.status)))))));
			answers.push(...results.flat());
		}
		assert.ok(answers.every((s) => s === 200), `${answers}`);
		await waitFor('every key to run at least once', () => keys.every((k) => runsOf(k.uuid, since) >= 1), 120_000);
		await sleep(10_000);
		const counts = keys.map((k) => runsOf(k.uuid, since));
		const twice = keys.filter((_, i) => counts[i] === 2);
		// Which worker ran each of the two runs of a delivery that ran twice.
		const ids = twice.map((k) => recorded().slice(since).filter((item) => item?.uuid === k.uuid).map((item) => String(item.executionId)));
		const byWorker = await waitFor('the workers to log the executions', () => {
			const map = cluster.finishedBy();
			return ids.flat().every((id) => map.has(id)) ? map : undefined;
		}, 30_000);
		const sameWorker = ids.filter(([a, b]) => byWorker.get(a) === byWorker.get(b));
		figures.simultaneous = { copies: SIMULTANEOUS, ranTwice: twice.length, ranTwiceInOneWorker: sameWorker.length };
		say(`simultaneous copies: ${twice.length} of ${SIMULTANEOUS} ran twice, each on both workers (${sameWorker.length} twice in one worker)`);
		assert.ok(counts.every((c) => c >= 1 && c <= 2), `each key ran once or twice: ${counts}`);
		// The README's bound: twice only across the two workers, never within one.
		assert.deepEqual(sameWorker, [], `ran twice within one worker: executions ${JSON.stringify(sameWorker)}`);
	});

	it(`${SIMULTANEOUS} copies sent to ONE webhook process at the same moment run once each (the README's advice)`, async () => {
		// What routing /webhook/<id>/callback to one process buys: copies meet in one process's check.
		const since = recorded().length;
		const keys = Array.from({ length: SIMULTANEOUS }, () => ({ uuid: randomUUID(), status: 'cancelled' }));
		for (const k of keys) k.body = delivery(k.uuid, k.status);
		for (let i = 0; i < keys.length; i += 5) {
			const batch = keys.slice(i, i + 5);
			const results = await Promise.all(batch.map((k) => Promise.all([post(recorderUrl('webhook1'), k.body), post(recorderUrl('webhook1'), k.body)])));
			assert.ok(results.flat().every((s) => s === 200), `${results}`);
		}
		await waitFor('every key to run', () => keys.every((k) => runsOf(k.uuid, since) >= 1), 120_000);
		await sleep(10_000);
		const twice = keys.filter((k) => runsOf(k.uuid, since) > 1).length;
		figures.simultaneousOneProcess = { copies: SIMULTANEOUS, ranTwice: twice };
		say(`simultaneous copies to one process: ${twice} of ${SIMULTANEOUS} ran twice`);
		assert.equal(twice, 0);
	});

	it('figures: memory, and no API key in any process log', async () => {
		figures.memoryMb.end = cluster.memoryMb();
		figures.memoryMb.endTotal = Object.values(figures.memoryMb.end).reduce((a, b) => a + b, 0);
		say(`memory at the end: ${JSON.stringify(figures.memoryMb.end)} MB, ${figures.memoryMb.endTotal} MB in all`);
		assert.equal(cluster.allLogs().includes(DEFAULT_SHOP.apiKey), false);
	});
});
