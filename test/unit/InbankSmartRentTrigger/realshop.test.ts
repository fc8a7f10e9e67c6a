import type { IDataObject } from 'n8n-workflow';

import { InbankSmartRentTrigger } from '../../../nodes/InbankSmartRentTrigger/InbankSmartRentTrigger.node';
import { computeSignature } from '../../../nodes/InbankSmartRentTrigger/signature';
import { fakeWebhookContext } from '../../support/fake-context';
import { API_KEY, credentials, SHOP_UUID, sessionUuid as id } from '../../support/fixtures';
import { startRecorder } from '../../support/http-recorder';
import { N8nProcess, ran, ranItems, signed, type Delivery } from '../../support/trigger-n8n';

/**
 * What a first real shop meets: callbacks whose shape differs from what the trigger expects (no status,
 * names in another letter case, another signing scheme), refusals that must say why in the editor while
 * it listens for a test event and still start nothing in production, and a Lithuanian credential
 * without the Base URL Inbank gives the shop.
 */

type Recorder = Awaited<ReturnType<typeof startRecorder>>;
const PREFIX = `/partner/v3/shops/${SHOP_UUID}/pos-sessions/`;
const FETCH = { fetchSession: true };
const TOKEN = 'k'.repeat(40);

let server: Recorder;
const inbank = new Map<string, IDataObject>();
beforeAll(async () => {
	server = await startRecorder((request) => {
		const uuid = request.path.startsWith(PREFIX) ? decodeURIComponent(request.path.slice(PREFIX.length)).toLowerCase() : '';
		const record = inbank.get(uuid);
		return record ? { status: 200, body: record } : { status: 404, body: { message: 'not_found' } };
	});
});
afterAll(async () => await server.close());
beforeEach(() => {
	inbank.clear();
	server.requests.length = 0;
});

/** A signed callback whose message is exactly `payload` (no status, other names…). */
function signedMessage(payload: IDataObject, key = API_KEY) {
	const timestamp = String(Math.floor(Date.now() / 1000));
	const message = JSON.stringify(payload);
	return { hmac: computeSignature(key, timestamp, message), timestamp, message };
}

const warning = (delivery: Delivery) => delivery.logs.find((line) => line.startsWith('warn') && line.includes('refused a callback')) ?? '';

describe('1. a refused test event shows why in the editor; in production it starts nothing', () => {
	const forged = (uuid: string) => ({ body: { ...signed(uuid, 'completed'), hmac: signedMessage({ uuid, status: 'completed' }, 'forger').hmac } });

	it('Test URL: the caller gets the production answer, and the test run fails naming the reason and the fix', async () => {
		const uuid = id('test-event-forged');
		const n8n = await N8nProcess.start(server.baseUrl);
		const test = await n8n.deliver(forged(uuid), {}, { mode: 'manual' });
		const live = await n8n.deliver(forged(uuid), {}, { mode: 'webhook' });
		// The same answer to the caller in both modes, with no reason in it.
		expect(test.response).toEqual({ statusCode: 401, body: { message: 'callback not verified' } });
		expect(test.response).toEqual(live.response);
		expect(test.result?.noWebhookResponse).toBe(true);
		// Production: nothing starts.
		expect(live.result?.workflowData).toBeUndefined();
		expect(live.outputs).toBeUndefined();
		// Test URL: the execution's first step (the trigger) fails with the reason; nothing runs downstream.
		expect(ran(test)).toBe(0);
		expect(test.executeError?.name).toBe('NodeOperationError');
		expect(test.executeError?.message).toBe(
			'Callback refused (HTTP 401): the hmac does not match: it has the expected form (128 hexadecimal characters), so it was made with another key than the credential’s API key, or the message or timestamp was changed',
		);
		expect((test.executeError as Error & { description?: string }).description).toMatch(/^The signature has the form this node checks but another value: check that the credential’s API key .* in production this callback starts nothing\. Click Execute step to listen again\.$/);
		expect(JSON.stringify({ error: test.executeError?.message, logs: test.logs })).not.toContain(API_KEY);
	});

	it.each([
		['an unsigned callback', { body: { uuid: id('t-unsigned'), status: 'completed' } }, {}, 401, /^Callback refused \(HTTP 401\): the callback is not signed \(no hmac, timestamp and message; fields received: uuid\(36\), status\(9\)\)$/],
		['an empty request (the Test URL opened in a browser)', { method: 'GET', body: {} }, {}, 400, /^Callback refused \(HTTP 400\): the callback carries no session uuid \(uuid or posSessionUuid; fields received: none\)$/],
		['a wrong URL token', { body: { uuid: id('t-token'), status: 'completed' }, query: { token: 'x'.repeat(40) } }, { verification: 'urlToken', callbackToken: TOKEN }, 401, /token is wrong \(40 characters, as many as the node's Callback Token\)$/],
		['a misconfigured node', { body: signed(id('t-conf'), 'completed') }, { replayWindowSeconds: 5 }, 503, /the node is misconfigured: Replay Window \(Seconds\) is "5"; expected a number from 30 to 86400$/],
	])('%s: the test run fails with the reason', async (_name, request, parameters, code, message) => {
		const n8n = await N8nProcess.start(server.baseUrl);
		const test = await n8n.deliver(request, parameters, { mode: 'manual' });
		expect(test.response.statusCode).toBe(code);
		expect(test.executeError?.message).toMatch(message);
		expect(ran(test)).toBe(0);
		const live = await n8n.deliver(request, parameters);
		expect(live.response.statusCode).toBe(code);
		expect(live.result?.workflowData).toBeUndefined();
	});

	it('a callback ahead of a lagging record (Inbank resends it, and the resend passes) leaves the editor listening', async () => {
		const uuid = id('t-ahead');
		inbank.set(uuid, { uuid, status: 'granted' });
		const n8n = await N8nProcess.start(server.baseUrl);
		const early = await n8n.deliver({ body: signed(uuid, 'completed') }, FETCH, { mode: 'manual' });
		expect(early.response.statusCode).toBe(503);
		// No execution: n8n keeps the Test URL listening, so the resend reaches it.
		expect(early.result?.workflowData).toBeUndefined();
		expect(warning(early)).toMatch(/Inbank's record still says granted/);
		inbank.set(uuid, { uuid, status: 'completed' });
		const resend = await n8n.deliver({ body: signed(uuid, 'completed') }, FETCH, { mode: 'manual' });
		expect(ranItems(resend)).toEqual([expect.objectContaining({ uuid, status: 'completed' })]);
	});

	it('an acknowledged status that is not selected leaves the editor listening for the one that is', async () => {
		const uuid = id('t-not-selected');
		const n8n = await N8nProcess.start(server.baseUrl);
		const granted = await n8n.deliver({ body: signed(uuid, 'granted') }, { statuses: ['completed'] }, { mode: 'manual' });
		expect(granted.response.statusCode).toBeUndefined();
		expect(granted.result).toEqual({ webhookResponse: 'OK' });
		const completed = await n8n.deliver({ body: signed(uuid, 'completed') }, { statuses: ['completed'] }, { mode: 'manual' });
		expect(ranItems(completed).map((item) => item.status)).toEqual(['completed']);
	});

	it('the refusal item cannot be forged by a caller: an accepted callback carrying its name runs as a callback', async () => {
		const uuid = id('t-marker');
		const n8n = await N8nProcess.start(server.baseUrl);
		const delivery = await n8n.deliver({ body: { uuid, status: 'granted', refusedTestEvent: { httpStatus: 401, reason: 'x' } } }, { verification: 'none' });
		expect(delivery.executeError).toBeUndefined();
		expect(ranItems(delivery)).toEqual([expect.objectContaining({ uuid, status: 'granted', callback: { shape: 'plain' } })]);
	});
});

describe('2. tolerant in what it reads, strict in what it trusts', () => {
	it('a signed message that names the session but no status runs on Inbank’s record', async () => {
		const uuid = id('no-status-signed');
		inbank.set(uuid, { uuid, status: 'granted', creditContractUuid: 'c-9' });
		const n8n = await N8nProcess.start(server.baseUrl);
		const delivery = await n8n.deliver({ body: signedMessage({ posSessionUuid: uuid }) }, FETCH);
		const [item] = ranItems(delivery);
		expect(item).toMatchObject({ uuid, status: 'granted', contractUuid: 'c-9', callback: { shape: 'signed' } });
		// No status claimed: nothing to mismatch.
		expect(item).not.toHaveProperty('statusMismatch');
		expect(item).not.toHaveProperty('callbackStatus');
		expect((item.callback as IDataObject).status).toBeUndefined();
	});

	it('still verified: the same message signed with another key is refused', async () => {
		const uuid = id('no-status-forged');
		inbank.set(uuid, { uuid, status: 'completed' });
		const n8n = await N8nProcess.start(server.baseUrl);
		const delivery = await n8n.deliver({ body: signedMessage({ uuid }, 'forger') }, FETCH);
		expect(delivery.response.statusCode).toBe(401);
		expect(delivery.outputs).toBeUndefined();
		expect(server.requests).toHaveLength(0);
	});

	it.each([
		['verification None, names in other letter case, in the body', { verification: 'none', ...FETCH }, (uuid: string) => ({ body: { UUID: uuid.toUpperCase(), Status: 'GRANTED' } })],
		['a URL token, posSessionUuid in the query, no status', { verification: 'urlToken', callbackToken: TOKEN, ...FETCH }, (uuid: string) => ({ method: 'GET', body: {}, query: { posSessionUuid: uuid, token: TOKEN } })],
		['verification None, a status the trigger does not know', { verification: 'none', ...FETCH }, (uuid: string) => ({ body: { uuid, status: 'CONTRACT_ACTIVATED' } })],
	])('an unsigned callback: %s, runs on Inbank’s record', async (_name, parameters, request) => {
		const uuid = id(`tolerant-${_name}`);
		inbank.set(uuid, { uuid, status: 'completed' });
		const n8n = await N8nProcess.start(server.baseUrl);
		const delivery = await n8n.deliver(request(uuid), parameters);
		expect(ranItems(delivery)).toEqual([expect.objectContaining({ uuid, status: 'completed', callback: { shape: 'plain' } })]);
		// A copy runs nothing again.
		expect(ran(await n8n.deliver(request(uuid), parameters))).toBe(0);
	});

	it('a callback without a status whose session cannot be read starts nothing (503), signed or not', async () => {
		const uuid = id('no-status-unread');
		const n8n = await N8nProcess.start(server.baseUrl);
		const signedOne = await n8n.deliver({ body: signedMessage({ uuid }) }, FETCH);
		const unsigned = await n8n.deliver({ body: { uuid } }, { verification: 'none', ...FETCH });
		for (const delivery of [signedOne, unsigned]) {
			expect(delivery.response.statusCode).toBe(503);
			expect(delivery.outputs).toBeUndefined();
			expect(warning(delivery)).toMatch(/could not be read from Inbank \(.*404/);
		}
	});

	it('without Verify Then Fetch Session a callback without a usable status is refused (400), saying what to turn on', async () => {
		const uuid = id('no-status-no-fetch');
		const n8n = await N8nProcess.start(server.baseUrl);
		const none = await n8n.deliver({ body: signedMessage({ uuid }) });
		const unknown = await n8n.deliver({ body: signedMessage({ uuid, status: 'paid' }) });
		expect(none.response.statusCode).toBe(400);
		expect(warning(none)).toMatch(/the callback carries no status; without Verify Then Fetch Session the workflow runs on the callback's status/);
		expect(warning(unknown)).toMatch(/the callback carries status "paid", which is not one of pending, granted/);
		const test = await n8n.deliver({ body: signedMessage({ uuid }) }, {}, { mode: 'manual' });
		expect((test.executeError as Error & { description?: string }).description).toMatch(/^Turn on Verify Then Fetch Session/);
	});

	describe('a refusal names what was received (field names and lengths, never values), so another scheme is told from another key', () => {
		const uuid = id('scheme');
		const base = signed(uuid, 'granted');
		it.each([
			['an hmac of SHA-256 length', { ...base, hmac: 'ab'.repeat(32) }, /the hmac has 64 hexadecimal characters \(the length of SHA-256 in hex\); expected 128 hexadecimal characters \(HMAC-SHA512 in hex\): the callback is signed with another scheme/],
			['an hmac in Base64', { ...base, hmac: Buffer.from(base.hmac, 'hex').toString('base64') }, /the hmac has 88 Base64 characters \(the length of SHA-512 in Base64\)/],
			['other field names', { signature: 'Q'.repeat(88), ts: base.timestamp, uuid }, /the callback is not signed \(no hmac, timestamp and message; fields received: signature\(88\), ts\(10\), uuid\(36\)\)/],
			['a timestamp that is a date', { ...base, timestamp: '2026-11-24T20:15:03.120Z' }, /the timestamp is not Unix seconds: it has 24 characters, not all digits; expected 9 to 13 digits/],
			['the right form, another key', { ...base, hmac: signed(uuid, 'granted').hmac.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) }, /the hmac does not match: it has the expected form \(128 hexadecimal characters\), so it was made with another key/],
		])('%s', async (_name, body, reason) => {
			const n8n = await N8nProcess.start(server.baseUrl);
			const delivery = await n8n.deliver({ body });
			expect([400, 401]).toContain(delivery.response.statusCode);
			expect(warning(delivery)).toMatch(reason);
			for (const value of Object.values(body).filter((v) => String(v).length > 12)) {
				if (value !== uuid) expect(warning(delivery)).not.toContain(String(value));
			}
		});

		it('a missing URL token lists the query parameters received, by name and length', async () => {
			const n8n = await N8nProcess.start(server.baseUrl);
			const delivery = await n8n.deliver({ body: { uuid, status: 'granted' }, query: { tok: TOKEN } }, { verification: 'urlToken', callbackToken: TOKEN });
			expect(delivery.response.statusCode).toBe(401);
			expect(warning(delivery)).toMatch(/the callback URL has no token parameter \(query parameters received: tok\(40\)\)/);
			expect(delivery.logs.join('\n')).not.toContain(TOKEN);
		});
	});
});

describe('3. a Lithuanian credential without Base URL sends the key nowhere', () => {
	it('the trigger refuses its callbacks with 503 naming Base URL and Country, and reads nothing', async () => {
		const trigger = new InbankSmartRentTrigger();
		const run = fakeWebhookContext({
			nodeType: trigger,
			parameters: { fetchSession: true },
			credentials: credentials('', { country: 'lt' }),
			request: { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: signed(id('lt'), 'granted') },
		});
		const result = await trigger.webhook.call(run.context);
		expect(result.workflowData).toBeUndefined();
		expect(run.response.statusCode).toBe(503);
		expect(run.logs.join('\n')).toMatch(/the credential cannot be used: Inbank API credential: baseUrl is required when Country is Lithuania: Inbank publishes no Lithuanian API host/);
		expect(server.requests).toHaveLength(0);
	});
});
