import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { computeSignature } from '../../../nodes/InbankSmartRentTrigger/signature';
import { FakeProcessedData, fakeTriggerExecuteContext, fakeWebhookContext } from '../../support/fake-context';
import { API_KEY, credentials, SHOP_UUID, sessionUuid as id } from '../../support/fixtures';
import { startRecorder } from '../../support/http-recorder';
import { type Delivery, N8nProcess, ran, ranItems, signed, totalRuns } from '../../support/trigger-n8n';

/**
 * One execution per real status change, nothing lost, nothing forged, fail closed, through the trigger
 * as n8n runs it (test/support/trigger-n8n.ts).
 */

type Recorder = Awaited<ReturnType<typeof startRecorder>>;
const STATUSES = ['pending', 'granted', 'completed', 'cancelled', 'declined', 'expired'];

let server: Recorder;
/** What Inbank's GET session answers, per session uuid (404 when absent). */
const inbank = new Map<string, IDataObject>();
beforeAll(async () => {
	server = await startRecorder((request) => {
		const prefix = `/partner/v3/shops/${SHOP_UUID}/pos-sessions/`;
		const session = request.path.startsWith(prefix) ? inbank.get(decodeURIComponent(request.path.slice(prefix.length))) : undefined;
		return session ? { status: 200, body: session } : { status: 404, body: { message: 'not_found', errorCode: 'NOT_FOUND' } };
	});
});
afterAll(async () => await server.close());
beforeEach(() => {
	inbank.clear();
	server.requests.length = 0;
});


/** An n8n process whose credential reads sessions from `server`. */
const startN8n = async () => await N8nProcess.start(server.baseUrl);

describe('1. completed never starts two executions for one session', () => {
	it('a late first-time granted, after Inbank already reports completed, starts nothing', async () => {
		const uuid = id('late-granted-1');
		inbank.set(uuid, { uuid, status: 'completed', creditContractUuid: 'contract-1' });
		const n8n = await startN8n();
		const completed = await n8n.deliver({ body: signed(uuid, 'completed') }, { fetchSession: true });
		const lateGranted = await n8n.deliver({ body: signed(uuid, 'granted') }, { fetchSession: true });
		expect(ranItems(completed)).toEqual([expect.objectContaining({ uuid, status: 'completed' })]);
		expect(ran(lateGranted)).toBe(0);
		expect(lateGranted.result?.webhookResponse).toBe('OK');
		// Also when the process that saw `completed` is gone.
		const restarted = await n8n.restart();
		expect(ran(await restarted.deliver({ body: signed(uuid, 'granted') }, { fetchSession: true }))).toBe(0);
	});

	it('granted and completed re-delivered after an outage (in either order) run completed once', async () => {
		const uuid = id('outage-1');
		inbank.set(uuid, { uuid, status: 'completed' });
		const n8n = await startN8n();
		const runs = [
			await n8n.deliver({ body: signed(uuid, 'granted') }, { fetchSession: true }),
			await n8n.deliver({ body: signed(uuid, 'completed') }, { fetchSession: true }),
		];
		expect(runs.flatMap(ranItems).map((item) => item.status)).toEqual(['completed']);
		expect(runs.flatMap(ranItems)[0]).toMatchObject({ callbackStatus: 'granted', statusMismatch: true });
	});
});

describe('2. a delivery counts as handled only once it was handed on', () => {
	it('a parameter read that fails once (n8n answers 500) does not stop the retry', async () => {
		const n8n = await startN8n();
		let failures = 0;
		const flaky = (context: Record<string, unknown>) => {
			const read = context.getNodeParameter as (name: string, fallback?: unknown) => unknown;
			context.getNodeParameter = (name: string, fallback?: unknown) => {
				if (name === 'routeByStatus' && failures++ === 0) throw new Error('Expression evaluation timed out');
				return read(name, fallback);
			};
		};
		const first = await n8n.deliver({ body: signed(id('flaky-1'), 'completed') }, {}, { tamper: flaky });
		expect(first.threw?.message).toMatch(/timed out/);
		const retry = await n8n.deliver({ body: signed(id('flaky-1'), 'completed') });
		expect(ran(retry)).toBe(1);
	});

	it('when n8n cannot record the claim, the execution fails visibly and the next copy runs', async () => {
		const n8n = await startN8n();
		n8n.db.processedData.failNext = 1;
		const first = await n8n.deliver({ body: signed(id('db-down-1'), 'completed') });
		expect(ran(first)).toBe(0);
		expect(first.executeError?.message).toMatch(/Could not record the delivery in n8n's database: SQLITE_BUSY/);
		const again = await n8n.deliver({ body: signed(id('db-down-1'), 'completed') });
		expect(ran(again)).toBe(1);
		expect(ran(await n8n.deliver({ body: signed(id('db-down-1'), 'completed') }))).toBe(0);
	});

	it('without n8n’s processed-data helpers, the workflow’s static data holds the claim', async () => {
		let ledger: typeof import('../../../nodes/InbankSmartRentTrigger/ledger') | undefined;
		await jest.isolateModulesAsync(async () => {
			ledger = await import('../../../nodes/InbankSmartRentTrigger/ledger');
		});
		const key = ledger!.deliveryKey('static-1', 'completed');
		const old = fakeTriggerExecuteContext({ nodeType: (await startN8n()).trigger, parameters: {}, items: [], processedData: 'missing' });
		const staticClaim = await ledger!.claimDeliveries(old.context, 'wf-2:n:live', [key], 100);
		expect(staticClaim.store).toBe('staticData');
		expect([...staticClaim.fresh]).toEqual([key]);
		expect(Object.keys(old.staticData.deliveries as object)).toEqual([key]);
		expect([...(await ledger!.claimDeliveries(old.context, 'wf-2:n:live', [key], 100)).fresh]).toEqual([]);
	});
});

describe('3. without a signature, the workflow runs only on Inbank’s own record', () => {
	const unsigned = [
		['verification None', { verification: 'none' }, {}],
		['a leaked URL token', { verification: 'urlToken', callbackToken: 't'.repeat(40) }, { token: 't'.repeat(40) }],
	] as const;

	it.each(unsigned)('with %s, a forged completed whose session Inbank does not know gets 503 and starts nothing', async (_name, parameters, query) => {
		const n8n = await startN8n();
		const forged = await n8n.deliver({ body: { uuid: id('made-up'), status: 'completed' }, query: { ...query } }, { ...parameters, fetchSession: true });
		expect(forged.response.statusCode).toBe(503);
		expect(forged.result?.workflowData).toBeUndefined();
		expect(ran(forged)).toBe(0);
		expect(forged.logs.join('\n')).toContain(`refused a callback (503): session "${id('made-up')}" could not be read from Inbank`);
		expect(n8n.db.processedData.entries()).toBe(0);
	});

	it.each(unsigned)('with %s, a status Inbank does not report as one of the six starts nothing', async (_name, parameters, query) => {
		inbank.set(id('odd-1'), { uuid: id('odd-1'), status: 'in_progress' });
		const n8n = await startN8n();
		const claimed = await n8n.deliver({ body: { uuid: id('odd-1'), status: 'completed' }, query: { ...query } }, { ...parameters, fetchSession: true });
		expect(claimed.result?.webhookResponse).toBe('OK');
		expect(ran(claimed)).toBe(0);
		expect(claimed.logs.join('\n')).toMatch(new RegExp(`warn .*status "in_progress" for session "${id('odd-1')}", which is not one of`));
	});

	it('with verification None, the workflow runs on Inbank’s status; a claim ahead of Inbank’s record gets 503', async () => {
		inbank.set(id('real-1'), { uuid: id('real-1'), status: 'granted', creditContractUuid: 'contract-9' });
		const n8n = await startN8n();
		const ahead = await n8n.deliver({ body: { uuid: id('real-1'), status: 'completed' } }, { verification: 'none', fetchSession: true });
		expect(ahead.response.statusCode).toBe(503);
		expect(ran(ahead)).toBe(0);
		const behind = await n8n.deliver({ body: { uuid: id('real-1'), status: 'pending' } }, { verification: 'none', fetchSession: true });
		expect(ranItems(behind)).toEqual([expect.objectContaining({ status: 'granted', contractUuid: 'contract-9' })]);
		// What an unsigned caller claimed is not carried on.
		expect(ranItems(behind)[0]).not.toHaveProperty('callbackStatus');
	});

	it('says in the UI what Verify Then Fetch off means without a signature', () => {
		const trigger = new (jest.requireActual('../../../nodes/InbankSmartRentTrigger/InbankSmartRentTrigger.node') as typeof import('../../../nodes/InbankSmartRentTrigger/InbankSmartRentTrigger.node')).InbankSmartRentTrigger();
		const notice = trigger.description.properties.find((p) => p.name === 'unverifiedStatusNotice');
		expect(notice?.type).toBe('notice');
		expect(notice?.displayOptions?.show).toEqual({ verification: ['urlToken', 'none'], fetchSession: [false] });
		expect(notice?.displayName).toMatch(/acts on whatever status the caller sends/);
	});
});

describe('4. unexpected parameter values refuse the callback (fail closed)', () => {
	const old = Math.floor(Date.UTC(2001, 0, 1) / 1000);
	it.each([
		['verification "Signature" (capital S), unsigned callback', { verification: 'Signature' }, { uuid: id('p4-1'), status: 'completed' }, /Verification is "Signature"; expected one of signature, urlToken, none/],
		['a replay window that is not a number, timestamp from 2001', { replayWindowSeconds: 'abc' }, signed(id('p4-2'), 'completed', old), /Replay Window \(Seconds\) is "abc"; expected a number from 30 to 86400/],
		['a replay window out of range', { replayWindowSeconds: 10_000_000_000 }, signed(id('p4-3'), 'completed', old), /Replay Window \(Seconds\) is "10000000000"/],
		['an unknown status in Statuses', { statuses: ['Completed'] }, signed(id('p4-4'), 'completed'), /Statuses is .*Completed.*; expected one or more of pending/],
		['no status selected', { statuses: [] }, signed(id('p4-5'), 'completed'), /Statuses is "\[\]"/],
		['a retention out of range', { options: { rememberDeliveries: 0 } }, signed(id('p4-6'), 'completed'), /Remember Deliveries is "0"; expected a whole number from 100 to 50000/],
		['a routing flag that is not a boolean', { routeByStatus: 'yes' }, signed(id('p4-7'), 'completed'), /Route Each Status to Its Own Output is "yes"/],
		['a URL token that is too short', { verification: 'urlToken', callbackToken: 'short' }, { uuid: id('p4-8'), status: 'completed', token: 'short' }, /Callback Token is shorter than 32 characters/],
	])('%s', async (_name, parameters, body, reason) => {
		const n8n = await startN8n();
		const delivery = await n8n.deliver({ body }, parameters as INodeParameters);
		expect(ran(delivery)).toBe(0);
		expect(delivery.response.statusCode).toBe(503);
		expect(delivery.logs.find((line) => line.startsWith('warn'))).toMatch(reason);
	});

	it('a workflow saved with the earlier option Remember Deliveries (Days) keeps working', async () => {
		const n8n = await startN8n();
		const delivery = await n8n.deliver({ body: signed(id('p4-9'), 'completed') }, { options: { rememberDays: 30 } });
		expect(ran(delivery)).toBe(1);
	});
});

describe('5. values from requests are quoted and cut short in log lines', () => {
	it.each([
		['a status with a newline', { uuid: id('log-1'), status: 'granted\nERROR [n8n] forged line' }],
		['a content type with a newline', undefined],
	])('%s cannot write a line of its own', async (_name, body) => {
		const n8n = await startN8n();
		const delivery = body
			? await n8n.deliver({ body }, { verification: 'none' })
			: await n8n.deliver({ body: {}, method: 'POST' }, { verification: 'none' }, {
					tamper: (context) => {
						const request = (context.getRequestObject as () => { headers: Record<string, string>; rawBody: Buffer })();
						request.headers['content-type'] = `text/x-evil\nERROR [n8n] forged line ${'x'.repeat(500)}`;
						request.rawBody = Buffer.from('<not a form>');
						context.getRequestObject = () => request;
					},
				});
		expect(delivery.response.statusCode).toBe(400);
		expect(delivery.logs.length).toBeGreaterThan(0);
		for (const line of delivery.logs) {
			expect(line).not.toMatch(/\n/);
			expect(line.length).toBeLessThan(400);
		}
		expect(delivery.logs.join()).toMatch(/\\nERROR \[n8n\] forged line/);
	});

	it('a session uuid from a request is quoted in the duplicate line', async () => {
		const n8n = await startN8n();
		await n8n.deliver({ body: signed(id('quoted-1'), 'granted') });
		const repeat = await n8n.deliver({ body: signed(id('quoted-1'), 'granted') });
		expect(repeat.logs.join()).toContain(`repeat of granted for session "${id('quoted-1')}" (already handled)`);
	});
});

describe('6. remembered across restarts and across the processes of one n8n', () => {
	it('three distinct deliveries, a restart, the same three again: three runs in all', async () => {
		const first = await startN8n();
		const deliveries = [id('r-1'), id('r-2'), id('r-3')].map((uuid) => signed(uuid, 'completed'));
		const before: Delivery[] = [];
		for (const body of deliveries) before.push(await first.deliver({ body }));
		const restarted = await first.restart();
		const after: Delivery[] = [];
		for (const body of deliveries) after.push(await restarted.deliver({ body }));
		expect(totalRuns(before)).toBe(3);
		expect(totalRuns(after)).toBe(0);
	});

	it('a copy that reaches another process of the same n8n later starts nothing', async () => {
		const a = await startN8n();
		const b = await a.restart(); // both alive, one database
		expect(ran(await a.deliver({ body: signed(id('q-1'), 'granted') }))).toBe(1);
		expect(ran(await b.deliver({ body: signed(id('q-1'), 'granted') }))).toBe(1 - 1);
		expect(ran(await b.deliver({ body: signed(id('q-1'), 'completed') }))).toBe(1);
		expect(ran(await a.deliver({ body: signed(id('q-1'), 'completed') }))).toBe(0);
	});

	it('simultaneous executions in one process claim each delivery once (n8n’s store is read-modify-write)', async () => {
		const n8n = await startN8n();
		const items = [id('c-1'), id('c-2'), id('c-3'), id('c-4'), id('c-5')].flatMap((uuid) => [uuid, uuid]).map((uuid) => ({ json: { uuid, status: 'completed' } }));
		const outputs = await Promise.all(
			items.map(async (item) => {
				const { context } = fakeTriggerExecuteContext({ nodeType: n8n.trigger, parameters: {}, items: [item], processedData: n8n.db.processedData });
				return (await n8n.trigger.execute!.call(context)) as INodeExecutionData[][];
			}),
		);
		expect(outputs.flat(2)).toHaveLength(5);
		expect(n8n.db.processedData.entries()).toBe(5);
		// Claims waiting for the lock go to n8n's store together: fewer writes than executions.
		expect(n8n.db.processedData.writes.length).toBeLessThanOrEqual(3);
	});

	it('editor test events run every time and leave nothing that would stop production', async () => {
		const n8n = await startN8n();
		const test1 = await n8n.deliver({ body: signed(id('t-1'), 'completed') }, {}, { mode: 'manual' });
		const test2 = await n8n.deliver({ body: signed(id('t-1'), 'completed') }, {}, { mode: 'manual' });
		expect(ran(test1) + ran(test2)).toBe(2);
		expect(n8n.db.processedData.entries()).toBe(0);
		expect(ran(await n8n.deliver({ body: signed(id('t-1'), 'completed') }))).toBe(1);
	});

	it('on an n8n without processed data, static data saved after the run carries the ledger (with a warning)', async () => {
		const n8n = await startN8n();
		n8n.db.processedData.helpers = () => ({}) as ReturnType<FakeProcessedData['helpers']>;
		const first = await n8n.deliver({ body: signed(id('s-1'), 'completed') });
		expect(ran(first)).toBe(1);
		expect(first.logs.join()).toMatch(/no processed-data store/);
		const restarted = await n8n.restart();
		expect(ran(await restarted.deliver({ body: signed(id('s-1'), 'completed') }))).toBe(0);
	});
});

describe('7. the ledger’s stored size is n8n’s to bound', () => {
	// n8n's store trims the node's row to maxEntries; the claim's cost at any size is the bench's figure.
	it('hands Remember Deliveries to n8n’s store as its cap, and writes nothing per callback to static data', async () => {
		const store = new FakeProcessedData(0);
		const n8n = await N8nProcess.start(server.baseUrl, { processedData: store, staticData: {} });
		const caps: Array<number | undefined> = [];
		const helpers = store.helpers.bind(store);
		store.helpers = (workflowId, nodeId) => {
			const own = helpers(workflowId, nodeId);
			return {
				checkProcessedAndRecord: async (items, scope, options) => {
					caps.push(options.maxEntries);
					return await own.checkProcessedAndRecord(items, scope, options);
				},
			};
		};
		const options = { verification: 'none', options: { rememberDeliveries: 1000 } } as const;
		for (let i = 0; i < 30; i++) expect(ran(await n8n.deliver({ body: { uuid: id(`bulk-${i}`), status: 'completed' } }, options))).toBe(1);
		expect(ran(await n8n.deliver({ body: { uuid: id('bulk-0'), status: 'completed' } }, options))).toBe(0);
		expect(caps.length).toBeGreaterThan(0);
		expect(new Set(caps)).toEqual(new Set([1000]));
		expect(JSON.stringify(n8n.db.staticData).length).toBeLessThan(100);
	});

	it('in-flight marks expire, so a repeat is judged by n8n’s store again', async () => {
		const n8n = await startN8n();
		const now = Date.now();
		const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
		try {
			// The webhook handed the delivery on, but its execution never ran (say, a queue-mode worker).
			const handed = fakeWebhookContext({ nodeType: n8n.trigger, parameters: { fetchSession: false }, credentials: credentials(server.baseUrl), request: { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: signed(id('f-1'), 'granted', Math.floor(now / 1000)) } });
			expect((await n8n.trigger.webhook!.call(handed.context)).workflowData).toBeDefined();
			const soon = await n8n.deliver({ body: signed(id('f-1'), 'granted', Math.floor(now / 1000)) });
			expect(soon.result?.workflowData).toBeUndefined();
			clock.mockReturnValue(now + 61_000);
			const later = await n8n.deliver({ body: signed(id('f-1'), 'granted', Math.floor(now / 1000) + 61) });
			expect(ran(later)).toBe(1);
		} finally {
			clock.mockRestore();
		}
	});
});

describe('copies arriving together', () => {
	it('ten simultaneous copies read the session from Inbank once and run once', async () => {
		inbank.set(id('together-1'), { uuid: id('together-1'), status: 'completed' });
		const n8n = await startN8n();
		const copies = await Promise.all(Array.from({ length: 10 }, async () => await n8n.deliver({ body: signed(id('together-1'), 'completed') }, { fetchSession: true })));
		expect(totalRuns(copies)).toBe(1);
		expect(copies.map((copy) => copy.response.statusCode ?? 200)).toEqual(Array(10).fill(200));
		expect(server.requests.filter((request) => request.path.endsWith(`/pos-sessions/${id('together-1')}`))).toHaveLength(1);
	});
});

describe('the item and the outputs', () => {
	it('puts purchaseReference and the contract UUID at the top level', async () => {
		inbank.set(id('item-1'), { uuid: id('item-1'), status: 'granted', creditContractUuid: 'contract-77', purchase: { purchaseReference: 'order-1001' } });
		const n8n = await startN8n();
		const [item] = ranItems(await n8n.deliver({ body: signed(id('item-1'), 'granted') }, { fetchSession: true }));
		expect(item).toMatchObject({ uuid: id('item-1'), status: 'granted', purchaseReference: 'order-1001', contractUuid: 'contract-77' });
		const message = JSON.stringify({ uuid: id('item-2'), status: 'completed', purchaseReference: 'order-1002', creditContractUuid: 'contract-78' });
		const timestamp = String(Math.floor(Date.now() / 1000));
		const [fromCallback] = ranItems(await n8n.deliver({ body: { hmac: computeSignature(API_KEY, timestamp, message), timestamp, message } }));
		expect(fromCallback).toMatchObject({ purchaseReference: 'order-1002', contractUuid: 'contract-78' });
	});

	it('routes each status to its own output, and a repeat to none', async () => {
		const n8n = await startN8n();
		const first = await n8n.deliver({ body: signed(id('route-1'), 'declined') }, { routeByStatus: true });
		expect(first.outputs?.map((output) => output.length)).toEqual(STATUSES.map((s) => (s === 'declined' ? 1 : 0)));
		expect(first.outputs?.[STATUSES.indexOf('declined')][0]).toMatchObject({ json: { status: 'declined' }, pairedItem: { item: 0 } });
		const restarted = await n8n.restart();
		const repeat = await restarted.deliver({ body: signed(id('route-1'), 'declined') }, { routeByStatus: true });
		expect(repeat.outputs?.map((output) => output.length)).toEqual(STATUSES.map(() => 0));
	});

	it('routes to the selected statuses’ outputs only, in the order of the outputs expression', async () => {
		const n8n = await startN8n();
		const routing = { routeByStatus: true, statuses: ['expired', 'completed'] };
		const completed = await n8n.deliver({ body: signed(id('sel-1'), 'completed') }, routing);
		expect(completed.outputs?.map((output) => output.length)).toEqual([1, 0]);
		const expired = await n8n.deliver({ body: signed(id('sel-2'), 'expired') }, routing);
		expect(expired.outputs?.map((output) => output.length)).toEqual([0, 1]);
		expect(expired.outputs?.[1][0]).toMatchObject({ json: { status: 'expired' }, pairedItem: { item: 0 } });
		// Not selected: acknowledged, nothing runs and nothing is claimed.
		const granted = await n8n.deliver({ body: signed(id('sel-3'), 'granted') }, routing);
		expect(granted.outputs).toBeUndefined();
		expect([...n8n.db.processedData.rows.values()].map((row) => row.data.length)).toEqual([2]);
	});

	it('does not claim an input item whose status is not one of its outputs (pinned or hand-made input)', async () => {
		const { trigger } = await startN8n();
		const processedData = new FakeProcessedData();
		const execution = fakeTriggerExecuteContext({
			nodeType: trigger,
			parameters: { fetchSession: false, routeByStatus: true, statuses: ['completed'] },
			items: [{ json: { uuid: id('pin-1'), status: 'granted' } }, { json: { uuid: id('pin-2'), status: 'completed' } }],
			processedData,
		});
		const outputs = (await trigger.execute!.call(execution.context)) as INodeExecutionData[][];
		expect(outputs.map((output) => output.map((item) => item.json.uuid))).toEqual([[id('pin-2')]]);
		expect([...processedData.rows.values()].map((row) => row.data.length)).toEqual([1]);
		expect(execution.logs.join('\n')).toMatch(/input item 0 has status granted, which is not selected; skipped/);
	});

	it('an item that is not a callback (n8n’s placeholder after a webhook error) emits nothing', async () => {
		const n8n = await startN8n();
		const { context, logs } = fakeTriggerExecuteContext({ nodeType: n8n.trigger, parameters: {}, items: [{ json: {} }], processedData: n8n.db.processedData });
		expect(await n8n.trigger.execute!.call(context)).toEqual([[]]);
		expect(logs.join()).toMatch(/input item 0 is not a callback/);
	});
});
