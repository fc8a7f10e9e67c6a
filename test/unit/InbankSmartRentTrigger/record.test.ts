import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { InbankSmartRent } from '../../../nodes/InbankSmartRent/InbankSmartRent.node';
import { redactUrlSecrets } from '../../../nodes/shared/transport/urlSecrets';
import { InbankSmartRentTrigger } from '../../../nodes/InbankSmartRentTrigger/InbankSmartRentTrigger.node';
import { comparedToRecord } from '../../../nodes/InbankSmartRentTrigger/parse';
import { canonicalUuid } from '../../../nodes/shared/domain';
import { quote } from '../../../nodes/InbankSmartRentTrigger/quote';
import { UNSIGNED_READS } from '../../../nodes/InbankSmartRentTrigger/TriggerHelpers';
import { fakeExecuteContext, fakeTriggerExecuteContext, FakeProcessedData } from '../../support/fake-context';
import { credentials, SHOP_UUID, sessionUuid as id } from '../../support/fixtures';
import { startRecorder } from '../../support/http-recorder';
import { N8nProcess, ran, ranItems, signed } from '../../support/trigger-n8n';

/**
 * The trigger against Inbank's record of the session under real-world timing and hostile input: a read
 * answers the state Inbank had when it started, a signed callback can be ahead of a lagging read or
 * older than the Replay Window, an unsigned caller can say anything, one session can be spelled in two
 * letter cases, and the record carries the shop's URLs.
 */

type Recorder = Awaited<ReturnType<typeof startRecorder>>;
const PREFIX = `/partner/v3/shops/${SHOP_UUID}/pos-sessions/`;
const FETCH = { fetchSession: true };
const TOKEN = 't'.repeat(40);
const UNSIGNED = [
	['verification None', { verification: 'none', fetchSession: true }, {}],
	['a URL token', { verification: 'urlToken', callbackToken: TOKEN, fetchSession: true }, { token: TOKEN }],
] as const;

let server: Recorder;
/** Inbank's record per session uuid, looked up in any letter case as a database uuid column is. */
const inbank = new Map<string, IDataObject>();
/** How long a read takes to answer; it answers the record as it was when the read arrived. */
let readDelayMs = 0;
beforeAll(async () => {
	server = await startRecorder((request) => {
		const uuid = request.path.startsWith(PREFIX) ? decodeURIComponent(request.path.slice(PREFIX.length)).toLowerCase() : '';
		const record = inbank.get(uuid);
		const snapshot = record ? JSON.parse(JSON.stringify(record)) : undefined;
		return snapshot ? { status: 200, body: snapshot, delayMs: readDelayMs } : { status: 404, body: { message: 'not_found' }, delayMs: readDelayMs };
	});
});
afterAll(async () => await server.close());
beforeEach(() => {
	inbank.clear();
	server.requests.length = 0;
	readDelayMs = 0;
});

const startN8n = async () => await N8nProcess.start(server.baseUrl);
const readsOf = (uuid: string) => server.requests.filter((request) => request.path.toLowerCase() === `${PREFIX}${uuid}`).length;

async function until(what: string, condition: () => boolean, timeoutMs = 5000) {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(5);
	}
}

describe('1. a read answers only callbacks that arrived before it started', () => {
	it('a granted that arrives while the read for pending is in flight reads again and runs', async () => {
		const uuid = id('lag-pending-granted');
		inbank.set(uuid, { uuid, status: 'pending' });
		readDelayMs = 300;
		const n8n = await startN8n();
		const pending = n8n.deliver({ body: signed(uuid, 'pending') }, FETCH);
		await until('the read for pending', () => readsOf(uuid) === 1);
		inbank.set(uuid, { uuid, status: 'granted' });
		const granted = n8n.deliver({ body: signed(uuid, 'granted') }, FETCH);
		expect([...ranItems(await pending), ...ranItems(await granted)].map((item) => item.status)).toEqual(['pending', 'granted']);
		expect(readsOf(uuid)).toBe(2);
	});

	it('a completed that arrives while a late granted copy is being read runs (also in a process that never saw granted)', async () => {
		const uuid = id('lag-granted-completed');
		inbank.set(uuid, { uuid, status: 'granted' });
		const first = await startN8n();
		expect(ran(await first.deliver({ body: signed(uuid, 'granted') }, FETCH))).toBe(1);
		// Another process (or this one after a restart): the late copy of granted must be read.
		const other = await first.restart();
		readDelayMs = 300;
		const lateGranted = other.deliver({ body: signed(uuid, 'granted') }, FETCH);
		await until('the read for the late granted', () => readsOf(uuid) === 2);
		inbank.set(uuid, { uuid, status: 'completed' });
		const completed = other.deliver({ body: signed(uuid, 'completed') }, FETCH);
		expect(ran(await lateGranted)).toBe(0);
		expect(ranItems(await completed)).toEqual([expect.objectContaining({ uuid, status: 'completed' })]);
	});

	it('copies arriving together share one read; a copy arriving after that read started reads again', async () => {
		const uuid = id('together-then-late');
		inbank.set(uuid, { uuid, status: 'completed' });
		readDelayMs = 200;
		const n8n = await startN8n();
		const together = Array.from({ length: 5 }, async () => await n8n.deliver({ body: signed(uuid, 'completed') }, FETCH));
		await until('the shared read', () => readsOf(uuid) === 1);
		const late = n8n.deliver({ body: signed(uuid, 'completed') }, FETCH);
		const runs = [...(await Promise.all(together)), await late].reduce((sum, delivery) => sum + ran(delivery), 0);
		expect(runs).toBe(1);
		expect(readsOf(uuid)).toBe(2);
	});
});

describe('2. a signed callback ahead of a lagging read is refused with 503, one behind it is acknowledged', () => {
	it('orders statuses in one place: pending < granted < a final status; two different final statuses are ahead', () => {
		expect(comparedToRecord('cancelled', 'granted')).toBe('ahead');
		expect(comparedToRecord('completed', 'granted')).toBe('ahead');
		expect(comparedToRecord('granted', 'pending')).toBe('ahead');
		expect(comparedToRecord('granted', 'completed')).toBe('behind');
		expect(comparedToRecord('pending', 'expired')).toBe('behind');
		expect(comparedToRecord('cancelled', 'completed')).toBe('ahead');
		expect(comparedToRecord('declined', 'declined')).toBe('same');
	});

	it('a signed cancelled while Inbank’s read still says granted (handled) gets 503, and runs once the record has caught up', async () => {
		const uuid = id('lagging-cancel');
		inbank.set(uuid, { uuid, status: 'granted' });
		const n8n = await startN8n();
		expect(ran(await n8n.deliver({ body: signed(uuid, 'granted') }, FETCH))).toBe(1);
		const early = await n8n.deliver({ body: signed(uuid, 'cancelled') }, FETCH);
		expect(early.response.statusCode).toBe(503);
		expect(ran(early)).toBe(0);
		expect(early.logs.join('\n')).toMatch(/refused a callback \(503\): the callback reports cancelled for session ".+", but Inbank's record still says granted/);
		inbank.set(uuid, { uuid, status: 'cancelled' });
		const resent = await n8n.deliver({ body: signed(uuid, 'cancelled') }, FETCH);
		expect(ranItems(resent)).toEqual([expect.objectContaining({ status: 'cancelled' })]);
	});

	it('a final status other than the record’s final status gets 503 (cancelled while the record says completed)', async () => {
		const uuid = id('final-vs-final');
		inbank.set(uuid, { uuid, status: 'completed' });
		const n8n = await startN8n();
		const cancelled = await n8n.deliver({ body: signed(uuid, 'cancelled') }, FETCH);
		expect(cancelled.response.statusCode).toBe(503);
		expect(ran(cancelled)).toBe(0);
	});

	it('a late granted behind the record’s completed is answered 200 OK and runs nothing twice', async () => {
		const uuid = id('behind-1');
		inbank.set(uuid, { uuid, status: 'completed' });
		const n8n = await startN8n();
		expect(ranItems(await n8n.deliver({ body: signed(uuid, 'completed') }, FETCH))).toHaveLength(1);
		const late = await n8n.deliver({ body: signed(uuid, 'granted') }, FETCH);
		expect(late.response.statusCode).toBeUndefined();
		expect(late.result?.webhookResponse).toBe('OK');
		expect(ran(late)).toBe(0);
	});
});

describe('3. every business field comes from Inbank’s record when it was read, never from an unsigned caller', () => {
	const record = (uuid: string) => ({
		uuid,
		status: 'completed',
		creditContractUuid: 'a1b2c3d4-0000-4000-8000-00000000c0de',
		totalAmount: 449,
		currency: 'EUR',
		purchase: { purchaseReference: 'order-CHEAP-1' },
	});

	it.each(UNSIGNED)('with %s, a callback naming another order runs with the record’s order, and nothing the caller sent is on the item', async (_name, parameters, query) => {
		const uuid = id(`wrong-order-${parameters.verification}`);
		inbank.set(uuid, record(uuid));
		const n8n = await startN8n();
		const body = { uuid, status: 'completed', purchaseReference: 'order-EXPENSIVE-9', creditContractUuid: 'f0f0f0f0-0000-4000-8000-0000000000ff', totalAmount: '1.00', currency: 'XXX', note: 'from-the-caller' };
		const [item] = ranItems(await n8n.deliver({ body, query: { ...query } }, parameters));
		expect(item).toMatchObject({ uuid, status: 'completed', purchaseReference: 'order-CHEAP-1', contractUuid: 'a1b2c3d4-0000-4000-8000-00000000c0de', totalAmount: 449, currency: 'EUR' });
		for (const sent of ['order-EXPENSIVE-9', 'f0f0f0f0', 'from-the-caller', 'XXX']) expect(JSON.stringify(item)).not.toContain(sent);
		expect(item.callback).toEqual({ shape: 'plain' });
	});

	it('a signed message that disagrees with the record: the record’s values, and the item names the fields that differed', async () => {
		const uuid = id('signed-mismatch');
		inbank.set(uuid, record(uuid));
		const n8n = await startN8n();
		const body = signed(uuid, 'completed', undefined, { purchaseReference: 'order-EXPENSIVE-9', creditContractUuid: 'a1b2c3d4-0000-4000-8000-00000000c0de' });
		const [item] = ranItems(await n8n.deliver({ body }, FETCH));
		expect(item).toMatchObject({ purchaseReference: 'order-CHEAP-1', contractUuid: 'a1b2c3d4-0000-4000-8000-00000000c0de', totalAmount: 449, mismatchedFields: ['purchaseReference'] });
		expect(item).not.toHaveProperty('statusMismatch');
		expect((item.callback as IDataObject).payload).toMatchObject({ purchaseReference: 'order-EXPENSIVE-9' });
	});

	it('a signed callback whose session cannot be read runs on its signed message', async () => {
		const uuid = id('signed-unread');
		const n8n = await startN8n();
		const body = signed(uuid, 'granted', undefined, { purchaseReference: 'order-7', creditContractUuid: 'a1b2c3d4-0000-4000-8000-000000000007' });
		const [item] = ranItems(await n8n.deliver({ body }, FETCH));
		expect(item).toMatchObject({ status: 'granted', purchaseReference: 'order-7', contractUuid: 'a1b2c3d4-0000-4000-8000-000000000007', fetchError: expect.stringMatching(/HTTP 404/) });
		expect(item).not.toHaveProperty('posSession');
	});

	it('with Verify Then Fetch off, an unsigned caller supplies only the uuid and status it names', async () => {
		const n8n = await startN8n();
		const uuid = id('unsigned-no-fetch');
		const [item] = ranItems(await n8n.deliver({ body: { uuid, status: 'completed', purchaseReference: 'order-EXPENSIVE-9' } }, { verification: 'none' }));
		expect(item).toMatchObject({ uuid, status: 'completed', callback: { shape: 'plain' } });
		expect(JSON.stringify(item)).not.toContain('EXPENSIVE');
	});
});

describe('4. one session, one spelling', () => {
	it('accepts the canonical 8-4-4-4-12 form in any case and keys and outputs it in lower case', async () => {
		const uuid = id('two-spellings');
		inbank.set(uuid, { uuid, status: 'completed' });
		const n8n = await startN8n();
		const upper = await n8n.deliver({ body: signed(uuid.toUpperCase(), 'completed') }, FETCH);
		const lower = await (await n8n.restart()).deliver({ body: signed(uuid, 'completed') }, FETCH);
		expect(ranItems(upper)).toEqual([expect.objectContaining({ uuid })]);
		expect(ran(lower)).toBe(0);
		expect(server.requests.map((request) => request.path)).toEqual([`${PREFIX}${uuid}`, `${PREFIX}${uuid}`]);
	});

	it('also without the read, and in the execute() step (pinned input in another spelling)', async () => {
		const uuid = id('two-spellings-no-fetch');
		const n8n = await startN8n();
		expect(ran(await n8n.deliver({ body: signed(uuid.toUpperCase(), 'granted') }))).toBe(1);
		const restarted = await n8n.restart();
		expect(ran(await restarted.deliver({ body: signed(uuid, 'granted') }))).toBe(0);
		// The restarted process has claimed nothing, so no look-up of an earlier claim rides along into this store.
		const processedData = new FakeProcessedData();
		const pinned = async (spelling: string) => {
			const execution = fakeTriggerExecuteContext({ nodeType: restarted.trigger, parameters: {}, items: [{ json: { uuid: spelling, status: 'completed' } }], processedData });
			return ((await restarted.trigger.execute!.call(execution.context)) as INodeExecutionData[][]).flat().length;
		};
		expect([await pinned(uuid.toUpperCase()), await pinned(uuid)]).toEqual([1, 0]);
		expect(processedData.entries()).toBe(1);
	});

	it.each([
		['no dashes', '5e3a459aaada4d81b6ad09cb9483c8bf'],
		['braces', '{5e3a459a-aada-4d81-b6ad-09cb9483c8bf}'],
		['a name', 'order-1001'],
		['a non-hex digit', '5e3a459a-aada-4d81-b6ad-09cb9483c8bg'],
	])('refuses a uuid with %s (400), reading nothing', async (_name, uuid) => {
		const n8n = await startN8n();
		const delivery = await n8n.deliver({ body: signed(uuid, 'completed') }, FETCH);
		expect(delivery.response.statusCode).toBe(400);
		expect(delivery.logs.join('\n')).toMatch(/is not a UUID \(expected 8-4-4-4-12 hexadecimal digits\)/);
		expect(server.requests).toHaveLength(0);
		expect(canonicalUuid(uuid)).toBeUndefined();
	});

	it('refuses (503) when Inbank answers with the record of another session', async () => {
		const uuid = id('asked');
		inbank.set(uuid, { uuid: id('answered'), status: 'completed' });
		const n8n = await startN8n();
		const delivery = await n8n.deliver({ body: signed(uuid, 'completed') }, FETCH);
		expect(delivery.response.statusCode).toBe(503);
		expect(ran(delivery)).toBe(0);
		expect(delivery.logs.join('\n')).toContain(`with the record of session "${id('answered')}"`);
	});
});

describe('6. no secret from the shop’s URLs reaches execution data', () => {
	const secretRecord = (uuid: string) => ({
		uuid,
		status: 'granted',
		partnerUrls: {
			callbackUrl: `https://n8n.example.com/webhook/abc/callback?token=${TOKEN}`,
			returnUrl: 'https://shop.example.com/return?order=1001',
			cancelUrl: 'https://user:hunter2@shop.example.com/cancel?x=1&api_key=k-123#access_token=zzz',
		},
	});

	it('the trigger item', async () => {
		const uuid = id('secret-urls');
		inbank.set(uuid, secretRecord(uuid));
		const n8n = await startN8n();
		const [item] = ranItems(await n8n.deliver({ body: { uuid, status: 'granted' }, query: { token: TOKEN } }, { verification: 'urlToken', callbackToken: TOKEN, fetchSession: true }));
		const text = JSON.stringify(item);
		for (const secret of [TOKEN, 'hunter2', 'k-123', 'zzz']) expect(text).not.toContain(secret);
		expect((item.posSession as IDataObject).partnerUrls).toEqual({
			callbackUrl: 'https://n8n.example.com/webhook/abc/callback?token=REDACTED',
			returnUrl: 'https://shop.example.com/return?order=1001',
			cancelUrl: 'https://REDACTED:REDACTED@shop.example.com/cancel?x=1&api_key=REDACTED#REDACTED',
		});
	});

	it('POS Session → Get', async () => {
		const node = new InbankSmartRent();
		const uuid = id('secret-urls-get');
		const { context } = fakeExecuteContext({
			nodeType: node,
			parameters: { resource: 'posSession', operation: 'get', sessionUuid: uuid },
			credentials: credentials('https://inbank.invalid'),
			respond: () => ({ statusCode: 200, body: JSON.stringify(secretRecord(uuid)) }),
		});
		const [[item]] = await node.execute.call(context);
		expect(JSON.stringify(item.json)).not.toContain(TOKEN);
		expect(item.json).toMatchObject({ uuid, status: 'granted', paid: false, partnerUrls: { callbackUrl: 'https://n8n.example.com/webhook/abc/callback?token=REDACTED' } });
	});

	it('keeps everything that is not a URL secret as it is', () => {
		const value = { a: ['https://x.example/p?q=1', 'token=abc', 42, null], b: { c: 'not a url ?token=1' }, d: 'mailto:x@example.com?password=1' };
		expect(redactUrlSecrets(value)).toEqual(value);
	});
});

describe('7. a correctly signed callback older than the Replay Window, with Verify Then Fetch on', () => {
	const hourAgo = () => Math.floor(Date.now() / 1000) - 3600;

	it('runs when Inbank’s record has its status, with a warning in n8n’s log', async () => {
		const uuid = id('stale-confirmed');
		inbank.set(uuid, { uuid, status: 'completed' });
		const n8n = await startN8n();
		const delivery = await n8n.deliver({ body: signed(uuid, 'completed', hourAgo()) }, FETCH);
		expect(ranItems(delivery)).toEqual([expect.objectContaining({ status: 'completed' })]);
		expect(delivery.logs.join('\n')).toMatch(/^warn Inbank Smart Rent Trigger accepted a signed callback 360[01] s old \(Replay Window 300 s\): Inbank's record confirms completed/m);
		// And once only.
		expect(ran(await (await n8n.restart()).deliver({ body: signed(uuid, 'completed', hourAgo()) }, FETCH))).toBe(0);
	});

	it('behind the record: answered 200 and starts nothing (warning)', async () => {
		const uuid = id('stale-behind');
		inbank.set(uuid, { uuid, status: 'completed' });
		const n8n = await startN8n();
		const delivery = await n8n.deliver({ body: signed(uuid, 'granted', hourAgo()) }, FETCH);
		expect(delivery.result?.webhookResponse).toBe('OK');
		expect(delivery.result?.workflowData).toBeUndefined();
		expect(delivery.logs.join('\n')).toMatch(/^warn .*signed callback 360[01] s old .* reports granted .*; Inbank's record has moved on to completed/m);
	});

	it.each([
		['ahead of the record', 'granted', /the callback reports completed .* but Inbank's record still says granted/],
		['for a session Inbank does not know', undefined, /could not be read from Inbank .*HTTP 404/],
	])('%s: refused with 503', async (_name, recorded, reason) => {
		const uuid = id(`stale-${String(recorded)}`);
		if (recorded) inbank.set(uuid, { uuid, status: recorded });
		const n8n = await startN8n();
		const delivery = await n8n.deliver({ body: signed(uuid, 'completed', hourAgo()) }, FETCH);
		expect(delivery.response.statusCode).toBe(503);
		expect(delivery.logs.join('\n')).toMatch(reason);
		expect(ran(delivery)).toBe(0);
	});

	it('without Verify Then Fetch, and in the future, it is still refused with 401', async () => {
		const uuid = id('stale-no-fetch');
		inbank.set(uuid, { uuid, status: 'completed' });
		const n8n = await startN8n();
		expect((await n8n.deliver({ body: signed(uuid, 'completed', hourAgo()) })).response.statusCode).toBe(401);
		const future = await n8n.deliver({ body: signed(uuid, 'completed', Math.floor(Date.now() / 1000) + 3600) }, FETCH);
		expect(future.response.statusCode).toBe(401);
		expect(server.requests).toHaveLength(0);
	});
});

describe('8. smaller points', () => {
	it('log quoting escapes U+2028, U+2029, U+0085, DEL, the C1 controls and bidirectional controls', () => {
		const hostile = 'a\u2028b\u2029c\u0085d\u007fe\u0080f\u009fg\u202eh\u2066i';
		const quoted = quote(hostile, 100);
		expect(quoted).toBe('"a\\u2028b\\u2029c\\u0085d\\u007fe\\u0080f\\u009fg\\u202eh\\u2066i"');
		expect(quoted).not.toMatch(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
		expect(quote(`${'x'.repeat(10)}\u2028`, 11)).toBe(`"${'x'.repeat(10)}\\u2028"`);
		expect(quote('\u2028'.repeat(20), 5)).toBe(`"${'\\u2028'.repeat(5)}"…`);
	});

	it.each([
		['a status', { uuid: id('log-status'), status: 'granted\u2028ERROR [n8n] forged\u0085line' }],
		['a uuid', { uuid: 'x\u2029ERROR [n8n] forged', status: 'completed' }],
	])('%s with a line separator cannot start a log line of its own', async (_name, body) => {
		const n8n = await startN8n();
		const delivery = await n8n.deliver({ body }, { verification: 'none' });
		expect(delivery.response.statusCode).toBe(400);
		expect(delivery.logs.join()).toMatch(/\\u202[89]ERROR \[n8n\] forged/);
		for (const line of delivery.logs) expect(line).not.toMatch(/[\u2028\u2029\u0085]/);
	});

	it('says in the UI that without Verify Then Fetch a late granted after completed still runs', () => {
		const { properties } = new InbankSmartRentTrigger().description;
		const signedNotice = properties.find((property) => property.name === 'unorderedNotice');
		expect(signedNotice?.type).toBe('notice');
		expect(signedNotice?.displayOptions?.show).toEqual({ verification: ['signature'], fetchSession: [false] });
		expect(signedNotice?.displayName).toMatch(/a late “granted” that comes after “completed” still runs/);
		expect(properties.find((property) => property.name === 'unverifiedStatusNotice')?.displayName).toMatch(/a late “granted” after “completed” still runs/);
	});

	describe('unsigned callbacks spend a bounded number of session reads', () => {
		it.each(UNSIGNED)('with %s, a flood of 100 made-up callbacks reads at most the burst, answers the rest 503, and reads again later', async (_name, parameters, query) => {
			const n8n = await startN8n();
			const now = Date.now();
			const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
			try {
				const flood = [];
				for (let i = 0; i < 100; i++) flood.push(await n8n.deliver({ body: { uuid: id(`flood-${i}`), status: 'completed' }, query: { ...query } }, parameters));
				expect(server.requests.length).toBe(UNSIGNED_READS.burst);
				expect(flood.every((delivery) => delivery.response.statusCode === 503)).toBe(true);
				expect(flood.at(-1)?.logs.join('\n')).toMatch(/refused a callback \(503\): more unverified callbacks than Inbank Smart Rent Trigger reads sessions for \(5 per second, 4 at once\)/);
				// A genuine callback a second later is read and runs.
				clock.mockReturnValue(now + 1000);
				const uuid = id('after-the-flood');
				inbank.set(uuid, { uuid, status: 'completed' });
				expect(ran(await n8n.deliver({ body: { uuid, status: 'completed' }, query: { ...query } }, parameters))).toBe(1);
			} finally {
				clock.mockRestore();
			}
		});

		it('at most a few reads at once: the others get 503 while they are in flight', async () => {
			readDelayMs = 300;
			const n8n = await startN8n();
			const calls = Array.from({ length: 10 }, async (_, i) => {
				const uuid = id(`slow-${i}`);
				inbank.set(uuid, { uuid, status: 'completed' });
				return await n8n.deliver({ body: { uuid, status: 'completed' } }, { verification: 'none', fetchSession: true });
			});
			const deliveries = await Promise.all(calls);
			expect(server.requests).toHaveLength(UNSIGNED_READS.concurrent);
			expect(deliveries.reduce((sum, delivery) => sum + ran(delivery), 0)).toBe(UNSIGNED_READS.concurrent);
			const busy = deliveries.filter((delivery) => delivery.response.statusCode === 503);
			expect(busy).toHaveLength(10 - UNSIGNED_READS.concurrent);
			for (const delivery of busy) expect(delivery.logs.join('\n')).toMatch(/more unverified callbacks than/);
		});

		it('a copy of a delivery this process handled is acknowledged without a read', async () => {
			const uuid = id('copy-no-read');
			inbank.set(uuid, { uuid, status: 'granted' });
			const n8n = await startN8n();
			expect(ran(await n8n.deliver({ body: { uuid, status: 'granted' } }, { verification: 'none', fetchSession: true }))).toBe(1);
			const copy = await n8n.deliver({ body: { uuid, status: 'granted' } }, { verification: 'none', fetchSession: true });
			expect(copy.result?.webhookResponse).toBe('OK');
			expect(ran(copy)).toBe(0);
			expect(readsOf(uuid)).toBe(1);
			// Signed copies too.
			expect(ran(await n8n.deliver({ body: signed(uuid, 'granted') }, FETCH))).toBe(0);
			expect(readsOf(uuid)).toBe(1);
		});
	});
});

describe('the answer to an accepted callback', () => {
	it('declares OK as the body n8n sends when the webhook starts an execution (n8n’s default is the text "firstEntryJson")', async () => {
		const { webhooks } = new InbankSmartRentTrigger().description;
		expect(webhooks?.map((webhook) => [webhook.httpMethod, webhook.responseMode, webhook.responseData])).toEqual([
			['POST', 'onReceived', 'OK'],
			['GET', 'onReceived', 'OK'],
		]);
		const n8n = await startN8n();
		const accepted = await n8n.deliver({ body: signed(id('answer-ok'), 'granted') });
		expect(accepted.result).toMatchObject({ webhookResponse: 'OK', workflowData: [[expect.anything()]] });
	});
});
