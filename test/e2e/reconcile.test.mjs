// examples/04-reconcile-on-a-schedule.json in a real n8n against the Inbank sandbox: checkout writes each
// session to an n8n Data table, a Schedule Trigger asks Inbank about the open ones, and each status change
// is routed once, whether it is learnt by the schedule, by the trigger's callback, or by both at once.
// Two copies of the workflow, as an agency runs them: shop A has no public URL (its callback URL leads
// nowhere), shop B gets Inbank's callbacks; one Data table serves both. The copies differ from the example
// only where the README says a shop's copy differs (credential, callback URL, the table chosen, what n8n's
// Duplicate renews), plus a schedule every few seconds instead of 5 minutes and, on B, a Webhook that runs
// the same reconcile on demand (for the simultaneous case). What ran is read from n8n's own records
// (its REST API: executions and their run data, the Data table's rows), the sandbox's logs and the CRM
// stand-in that the branches post to.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { DEFAULT_SHOP, startSandbox } from '../../sandbox/server.mjs';
import { demoOrder, loadExample, sandboxControl, sandboxCredential } from './lib/flow.mjs';
import { N8n, sleep, waitFor } from './lib/n8n.mjs';

const require = createRequire(import.meta.url);
const { startRecorder } = require('../support/http-recorder.js');

const EXAMPLE = '04-reconcile-on-a-schedule.json';
const SHOP_B = { uuid: '3b2e0c4a-6f1d-4c2b-9a7e-1d5f8c9b2a61', apiKey: 'sandbox-shop-b-api-key', country: 'ee', name: 'Shop B' };
const CRED_A = { id: 'inbankReconA001', name: 'Inbank shop A' };
const CRED_B = { id: 'inbankReconB001', name: 'Inbank shop B' };
const WF_A = 'reconcileShopA1';
const WF_B = 'reconcileShopB1';
const SCHEDULE_SECONDS = 4;
const COLUMNS = [
	['sessionUuid', 'string'],
	['shopUuid', 'string'],
	['workflowId', 'string'],
	['purchaseReference', 'string'],
	['handledStatus', 'string'],
	['handledRank', 'number'],
	['handledBy', 'string'],
];
/**
 * One shop's copy of the example: its credential on every Inbank node, its callback URL, the Data table
 * chosen from the list, and (for a second copy) what n8n's Duplicate renews: the triggers' webhook ids and
 * the checkout path.
 */
function shopWorkflow({ id, credential, n8nUrl, shopUrl, tableId, duplicate, callbackUrl, reconcileNowPath }) {
	const workflow = loadExample(EXAMPLE, { n8nUrl, shopUrl, id });
	workflow.name = `${workflow.name} (${id})`;
	const byName = Object.fromEntries(workflow.nodes.map((node) => [node.name, node]));
	for (const node of workflow.nodes) {
		if (node.credentials?.inbankApi) node.credentials.inbankApi = credential;
		if (node.type === 'n8n-nodes-base.dataTable') node.parameters.dataTableId = { __rl: true, mode: 'list', value: tableId };
		if (duplicate && node.webhookId) {
			node.webhookId = randomUUID();
			if ('path' in node.parameters) node.parameters.path = node.webhookId;
		}
	}
	const trigger = byName['Inbank Smart Rent Trigger'];
	byName['Create POS session'].parameters.callbackUrl = callbackUrl ?? `${n8nUrl}/webhook/${trigger.webhookId}/callback`;
	byName['Every 5 Minutes'].parameters.rule = { interval: [{ field: 'seconds', secondsInterval: SCHEDULE_SECONDS }] };
	if (reconcileNowPath) {
		workflow.nodes.push({
			id: 'reconcilenow',
			name: 'Reconcile Now',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 700],
			webhookId: randomUUID(),
			parameters: { httpMethod: 'POST', path: reconcileNowPath, options: {} },
		});
		workflow.connections['Reconcile Now'] = { main: [[{ node: 'Open Sessions', type: 'main', index: 0 }]] };
	}
	return { workflow, triggerPath: `${trigger.webhookId}/callback`, checkoutPath: byName['Shop Checkout'].parameters.path };
}

describe('reconcile on a schedule beside the trigger (examples/04) in a real n8n', { timeout: 900_000 }, () => {
	let n8n;
	let crm;
	let sandboxA;
	let sandboxB;
	let cookie = '';
	let projectId;
	let tableId;
	let shopA;
	let shopB;
	const flatted = () => createRequire(join(n8n.runtime.dir, 'node_modules', 'n8n', 'package.json'))('flatted');

	async function rest(method, path, body) {
		const res = await fetch(`${n8n.baseUrl}/rest${path}`, {
			method,
			headers: { 'content-type': 'application/json', 'browser-id': 'inbank-e2e', cookie },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		assert.ok(res.ok, `${method} /rest${path} answered ${res.status}: ${text.slice(0, 300)}`);
		return JSON.parse(text).data;
	}
	const control = (sandbox, method, path, body) => sandboxControl(sandbox.url, method, path, body);
	/** The sandbox's GETs of one session, in order (a reconcile run, the trigger's fetch or a branch reading it). */
	const readsOf = async (sandbox, uuid) => (await control(sandbox, 'GET', '/requests')).filter((r) => r.method === 'GET' && r.path.endsWith(`/pos-sessions/${uuid}`));
	const notes = (order) =>
		crm.requests.filter((r) => r.path === `/api/orders/${order}/notes`).map((r) => ({ note: r.json.note, status: r.json.status, handledBy: r.json.handledBy }));
	const rows = async () => (await rest('GET', `/projects/${projectId}/data-tables/${tableId}/rows?take=1000`)).data;
	const rowOf = async (uuid) => (await rows()).find((row) => row.sessionUuid === uuid);
	async function executions(workflowId) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		return (await rest('GET', `/executions?filter=${filter}&limit=100`)).results;
	}
	/** The items each node output in one execution, from n8n's own record of it. */
	async function runData(executionId) {
		const execution = await rest('GET', `/executions/${executionId}`);
		return flatted().parse(execution.data).resultData.runData;
	}
	const out = (data, node, output = 0) => (data[node]?.[0]?.data?.main?.[output] ?? []).map((item) => item.json);
	/** Waits until `count` more scheduled (mode trigger) runs of a workflow have finished. */
	async function moreScheduledRuns(workflowId, count) {
		const finished = async () => (await executions(workflowId)).filter((e) => e.mode === 'trigger' && e.status !== 'running' && e.status !== 'new');
		const seen = new Set((await finished()).map((e) => e.id));
		await waitFor(`${count} more scheduled runs of ${workflowId}`, async () => (await finished()).filter((e) => !seen.has(e.id)).length >= count);
	}
	async function checkout(shop, { productCode, ...rest }) {
		const order = shop === shopB ? rest : { productCode, ...rest };
		const res = await n8n.webhook(shop.checkoutPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) });
		const text = await res.text();
		assert.equal(res.status, 200, text);
		return JSON.parse(text);
	}

	before(async () => {
		crm = await startRecorder(() => ({ status: 200, body: { ok: true } }));
		sandboxA = await startSandbox({ port: 0 });
		// Shop B's product needs the merchant's approval before activation: its granted branch stops there.
		sandboxB = await startSandbox({ port: 0, shops: [SHOP_B], requireMerchantApproval: true });
		// E2E_SQLITE_POOL_SIZE=0 with n8n 1.x measures its legacy SQLite driver (README: not atomic there).
		n8n = await N8n.create({ env: process.env.E2E_SQLITE_POOL_SIZE ? { DB_SQLITE_POOL_SIZE: process.env.E2E_SQLITE_POOL_SIZE } : {} });
		await n8n.importCredentials([
			sandboxCredential(CRED_A, sandboxA.url),
			// Shop B's product code lives in its credential; its checkout sends none.
			sandboxCredential(CRED_B, sandboxB.url, SHOP_B, { defaultProductCode: 'smart_rent_demo' }),
		]);

		// The Data table, created as a user would in the editor (n8n's REST API behind it).
		await n8n.start();
		cookie = await n8n.setupOwner();
		projectId = (await rest('GET', '/projects/personal')).id;
		tableId = (await rest('POST', `/projects/${projectId}/data-tables`, { name: 'inbank_pos_sessions', columns: COLUMNS.map(([name, type]) => ({ name, type })) })).id;
		await n8n.stopServer();

		const common = { n8nUrl: n8n.baseUrl, shopUrl: crm.baseUrl, tableId };
		// Shop A: no public URL. Its Create keeps a callback URL, but nothing answers there.
		shopA = shopWorkflow({ ...common, id: WF_A, credential: CRED_A, duplicate: false, callbackUrl: 'http://127.0.0.1:9/webhook/unreachable/callback' });
		shopB = shopWorkflow({ ...common, id: WF_B, credential: CRED_B, duplicate: true, reconcileNowPath: 'reconcile-now-b' });
		await n8n.importWorkflows([shopA.workflow, shopB.workflow]);
		await n8n.publish(WF_A);
		await n8n.publish(WF_B);
		await n8n.start();
	});

	after(async () => {
		await n8n?.stop();
		await crm?.close();
		await sandboxA?.close();
		await sandboxB?.close();
	});

	it('a status change between two scheduled runs is routed once, by the schedule, with no callback reaching n8n', async () => {
		const order = `A1-${Date.now()}`;
		const { sessionUuid, status } = await checkout(shopA, demoOrder(order));
		assert.equal(status, 'pending');
		const row = await rowOf(sessionUuid);
		assert.deepEqual([row.shopUuid, row.workflowId, row.purchaseReference, row.handledStatus, row.handledRank, row.handledBy], [DEFAULT_SHOP.uuid, WF_A, order, 'pending', 1, 'checkout']);

		// Run 1 asks Inbank, hears pending, routes nothing.
		await waitFor('a scheduled run that reads the pending session', async () => (await readsOf(sandboxA, sessionUuid)).length >= 1);
		assert.deepEqual(notes(order), []);

		// Between two runs the customer is granted; Inbank's callback goes to a URL nothing answers.
		await control(sandboxA, 'POST', `/sessions/${sessionUuid}/state`, { status: 'granted' });
		// Run 2 routes granted: the branch registers the device and activates, and Inbank moves to completed
		// (again with a callback nobody gets); a later run routes completed.
		await waitFor('the completed note', () => notes(order).some((n) => n.status === 'completed'));
		await moreScheduledRuns(WF_A, 2);
		assert.deepEqual(notes(order), [
			{ note: 'Device registered and contract activated', status: 'granted', handledBy: 'schedule' },
			{ note: 'Contract active: order paid, ship it', status: 'completed', handledBy: 'schedule' },
		]);
		const callbacks = (await control(sandboxA, 'GET', '/callbacks')).filter((c) => c.sessionUuid === sessionUuid);
		assert.deepEqual(
			callbacks.map((c) => [c.sessionStatus, c.httpStatus ?? 'failed']),
			[
				['granted', 'failed'],
				['completed', 'failed'],
			],
		);
		const done = await rowOf(sessionUuid);
		assert.deepEqual([done.handledStatus, done.handledRank, done.handledBy], ['completed', 3, 'schedule']);
		// A final row is not asked about again.
		const reads = (await readsOf(sandboxA, sessionUuid)).length;
		await moreScheduledRuns(WF_A, 2);
		assert.equal((await readsOf(sandboxA, sessionUuid)).length, reads);
	});

	it('changes while n8n is stopped are caught up once by the first run after the restart; a step failing for one order does not hold up the others', async () => {
		const stamp = Date.now();
		const [cancelledOrder, grantedOrder] = [`A2-${stamp}`, `A2g-${stamp}`];
		const cancelled = (await checkout(shopA, demoOrder(cancelledOrder))).sessionUuid;
		const granted = (await checkout(shopA, demoOrder(grantedOrder))).sessionUuid;
		await waitFor('a scheduled run that reads both pending sessions', async () => (await readsOf(sandboxA, cancelled)).length >= 1 && (await readsOf(sandboxA, granted)).length >= 1);
		await n8n.stopServer();
		await control(sandboxA, 'POST', `/sessions/${cancelled}/state`, { status: 'cancelled' });
		const contract = (await control(sandboxA, 'POST', `/sessions/${granted}/state`, { status: 'granted' })).session.creditContractUuid;
		// Inbank fails this contract's activation once (500, which the node never repeats): its branch stops there.
		await control(sandboxA, 'POST', '/faults', { mode: 'status', status: 500, method: 'POST', path: `/contracts/${contract}/activation`, count: 1 });
		const changedAt = Date.now();
		await n8n.start();
		await waitFor('the release note', () => notes(cancelledOrder).length > 0);
		await moreScheduledRuns(WF_A, 2);
		assert.deepEqual(notes(cancelledOrder), [{ note: 'No Smart Rent contract: release the stock', status: 'cancelled', handledBy: 'schedule' }]);
		assert.deepEqual(notes(grantedOrder), []);
		// The first run after the start claimed both changes.
		const runs = (await executions(WF_A)).filter((e) => e.mode === 'trigger' && Date.parse(e.startedAt) > changedAt).sort((a, b) => Number(a.id) - Number(b.id));
		assert.deepEqual(
			out(await runData(runs[0].id), 'Claim Status Change')
				.map((r) => [r.sessionUuid, r.handledStatus])
				.sort(),
			[
				[cancelled, 'cancelled'],
				[granted, 'granted'],
			].sort(),
		);
		// The granted order went on in its own execution, which failed at activation (n8n lists it as failed);
		// the cancelled one was routed all the same, and nothing routes the granted one again.
		const own = (await executions(WF_A)).filter((e) => e.mode === 'integrated' && Date.parse(e.startedAt) > changedAt);
		const failed = own.filter((e) => e.status === 'error');
		assert.equal(failed.length, 1, JSON.stringify(own));
		const failedRun = await runData(failed[0].id);
		assert.deepEqual(
			out(failedRun, 'Claimed Change').map((r) => r.sessionUuid),
			[granted],
		);
		assert.match(JSON.stringify(failedRun['Activate contract'][0].error), /HTTP 500/);
		const requests = await control(sandboxA, 'GET', '/requests');
		assert.equal(requests.filter((r) => r.path.endsWith(`/contracts/${contract}/activation`)).length, 1);
		const row = await rowOf(granted);
		assert.deepEqual([row.handledStatus, row.handledBy], ['granted', 'schedule']);
	});

	it('a callback that arrives after the schedule handled its status routes nothing (schedule first, trigger second)', async () => {
		const order = `A3-${Date.now()}`;
		const { sessionUuid } = await checkout(shopA, demoOrder(order));
		await control(sandboxA, 'POST', `/sessions/${sessionUuid}/state`, { status: 'declined' });
		await waitFor('the release note', () => notes(order).length > 0);
		// Inbank's signed callback for that status now reaches shop A's trigger (as once its URL is public).
		const before = new Set((await executions(WF_A)).map((e) => e.id));
		const sent = await control(sandboxA, 'POST', `/sessions/${sessionUuid}/callback`, { variant: 'genuine', url: `${n8n.baseUrl}/webhook/${shopA.triggerPath}` });
		assert.equal(sent.callback.httpStatus, 200, JSON.stringify(sent.callback));
		const run = await waitFor('the callback’s execution', async () =>
			(await executions(WF_A)).find((e) => !before.has(e.id) && e.mode === 'webhook' && e.status !== 'running' && e.status !== 'new'),
		);
		assert.equal(run.status, 'success');
		const data = await runData(run.id);
		assert.deepEqual(
			out(data, 'From Callback').map((i) => [i.uuid, i.status, i.handledBy]),
			[[sessionUuid, 'declined', 'callback']],
		);
		assert.deepEqual(out(data, 'Claim Status Change'), []);
		assert.equal(data['Route Each Change Alone'], undefined);
		assert.deepEqual(notes(order), [{ note: 'No Smart Rent contract: release the stock', status: 'declined', handledBy: 'schedule' }]);
	});

	it('a status the trigger handled is not handled again by the schedule that sees it next (trigger first, schedule second)', async () => {
		const order = `B1-${Date.now()}`;
		const { sessionUuid } = await checkout(shopB, demoOrder(order));
		const changed = await control(sandboxB, 'POST', `/sessions/${sessionUuid}/state`, { status: 'granted' });
		assert.equal(changed.callback.httpStatus, 200, JSON.stringify(changed.callback));
		assert.equal(changed.session.productCode, 'smart_rent_demo');
		const contract = changed.session.creditContractUuid;
		// The trigger's execution claims granted; its branch registers the device and stops at activation
		// (this shop's product needs the merchant's approval first), so Inbank keeps saying granted.
		await waitFor('the activation attempt', async () => (await control(sandboxB, 'GET', '/requests')).some((r) => r.path.endsWith(`/contracts/${contract}/activation`)));
		const row = await waitFor('the claimed row', async () => ((await rowOf(sessionUuid))?.handledStatus === 'granted' ? await rowOf(sessionUuid) : undefined));
		assert.equal(row.handledBy, 'callback');
		// A scheduled run now reads the session, hears granted, and its claim changes nothing.
		const checked = new Set();
		const seen = await waitFor('a scheduled run that hears granted', async () => {
			// Any finished run: one that went on past its claim fails at activation, as the trigger's did.
			for (const e of (await executions(WF_B)).filter((x) => x.mode === 'trigger' && ['success', 'error'].includes(x.status) && !checked.has(x.id))) {
				checked.add(e.id);
				const data = await runData(e.id);
				if (out(data, 'Ask Inbank').some((s) => s.uuid === sessionUuid && s.status === 'granted')) return data;
			}
			return undefined;
		});
		assert.ok(out(seen, 'From Schedule').some((i) => i.uuid === sessionUuid && i.status === 'granted' && i.handledBy === 'schedule'));
		assert.deepEqual(
			out(seen, 'Claim Status Change').filter((r) => r.sessionUuid === sessionUuid),
			[],
		);
		await moreScheduledRuns(WF_B, 2);
		const requests = await control(sandboxB, 'GET', '/requests');
		assert.equal(requests.filter((r) => r.path.endsWith(`/contracts/${contract}/activation`)).length, 1);
		assert.equal(requests.filter((r) => r.path.endsWith(`/contracts/${contract}/asset-identifiers`)).length, 1);
		assert.deepEqual([(await rowOf(sessionUuid)).handledStatus, (await rowOf(sessionUuid)).handledBy], ['granted', 'callback']);
	});

	it('callbacks and reconcile runs at the same moment: each status change routed exactly once', async () => {
		const orders = Array.from({ length: 6 }, (_, i) => `B2-${Date.now()}-${i}`);
		const sessions = [];
		for (const order of orders) sessions.push((await checkout(shopB, demoOrder(order))).sessionUuid);
		const startedAt = Date.now();
		// The state changes (each sending its callback to shop B's trigger) and reconcile runs, all at once.
		const reconcileNow = () => n8n.webhook('reconcile-now-b', { method: 'POST' }).then((r) => r.text());
		await Promise.all([
			...sessions.map((uuid) => control(sandboxB, 'POST', `/sessions/${uuid}/state`, { status: 'declined' })),
			...Array.from({ length: 4 }, (_, i) => sleep(i * 150).then(reconcileNow)),
		]);
		await waitFor('a release note per order', () => orders.every((order) => notes(order).length > 0));
		await moreScheduledRuns(WF_B, 2);
		await waitFor('no execution of shop B still running', async () => (await executions(WF_B)).every((e) => e.status !== 'running' && e.status !== 'new'));
		for (const order of orders) assert.equal(notes(order).length, 1, `${order}: ${JSON.stringify(notes(order))}`);

		// How often both ways tried to claim the same change (a figure, not an assertion: timing decides it).
		const attempts = new Map(sessions.map((uuid) => [uuid, []]));
		const claimed = new Map(sessions.map((uuid) => [uuid, []]));
		for (const e of (await executions(WF_B)).filter((x) => Date.parse(x.startedAt) >= startedAt - 1000)) {
			const data = await runData(e.id);
			for (const item of [...out(data, 'From Callback'), ...out(data, 'From Schedule')]) {
				if (attempts.has(item.uuid) && item.status === 'declined') attempts.get(item.uuid).push(item.handledBy);
			}
			for (const row of out(data, 'Claim Status Change')) claimed.get(row.sessionUuid)?.push(`${e.id}:${row.handledBy}`);
		}
		// n8n's own record agrees: one claim per change went on, in one execution.
		for (const uuid of sessions) assert.equal(claimed.get(uuid).length, 1, `${uuid}: ${claimed.get(uuid)}`);
		const winners = await Promise.all(sessions.map(async (uuid) => (await rowOf(uuid)).handledBy));
		const contested = [...attempts.values()].filter((tries) => new Set(tries).size === 2).length;
		console.error(
			`[reconcile] ${sessions.length} simultaneous changes: claimed by callback ${winners.filter((w) => w === 'callback').length}, by schedule ${winners.filter((w) => w === 'schedule').length}; both ways tried for ${contested}; claim attempts ${[...attempts.values()].reduce((n, t) => n + t.length, 0)}`,
		);
		for (const uuid of sessions) assert.ok(attempts.get(uuid).length >= 1);
	});

	it('each copy reads only its own rows and asks only its own shop', async () => {
		const all = await rows();
		const mine = (workflowId) => all.filter((row) => row.workflowId === workflowId).map((row) => row.sessionUuid);
		assert.ok(mine(WF_A).length >= 4 && mine(WF_B).length >= 7);
		for (const row of all) assert.equal(row.shopUuid, row.workflowId === WF_A ? DEFAULT_SHOP.uuid : SHOP_B.uuid);
		const pathsA = (await control(sandboxA, 'GET', '/requests')).map((r) => r.path).join('\n');
		const pathsB = (await control(sandboxB, 'GET', '/requests')).map((r) => r.path).join('\n');
		for (const uuid of mine(WF_B)) assert.equal(pathsA.includes(uuid), false);
		for (const uuid of mine(WF_A)) assert.equal(pathsB.includes(uuid), false);
		assert.equal(pathsA.includes(SHOP_B.uuid), false);
		assert.equal(n8n.log().includes(DEFAULT_SHOP.apiKey) || n8n.log().includes(SHOP_B.apiKey), false);
	});
});
