import { randomBytes } from 'node:crypto';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { InbankSmartRentTrigger } from '../../../nodes/InbankSmartRentTrigger/InbankSmartRentTrigger.node';
import { computeSignature } from '../../../nodes/InbankSmartRentTrigger/signature';
import { readSettings } from '../../../nodes/InbankSmartRentTrigger/TriggerHelpers';
import { fakeWebhookContext } from '../../support/fake-context';
import { API_KEY, credentials, SHOP_UUID } from '../../support/fixtures';
import { startRecorder } from '../../support/http-recorder';

type Recorder = Awaited<ReturnType<typeof startRecorder>>;

/** A fresh module instance per test: nothing remembered, no cached credential (as after a restart). */
let trigger = new InbankSmartRentTrigger();
const SESSION = '5e3a459a-aada-4d81-b6ad-09cb9483c8bf';
/** A fresh URL secret per run (40 hex characters). */
const TOKEN = randomBytes(20).toString('hex');

let server: Recorder;
let sessionStatus = 'granted';
beforeAll(async () => {
	server = await startRecorder((request) =>
		request.path === `/partner/v3/shops/${SHOP_UUID}/pos-sessions/${SESSION}`
			? { status: 200, body: { uuid: SESSION, status: sessionStatus, creditContractUuid: 'c-1' } }
			: { status: 404, body: { message: 'not_found' } },
	);
});
afterAll(async () => await server.close());
beforeEach(async () => {
	await jest.isolateModulesAsync(async () => {
		const module = await import('../../../nodes/InbankSmartRentTrigger/InbankSmartRentTrigger.node');
		trigger = new module.InbankSmartRentTrigger();
	});
	server.requests.length = 0;
	sessionStatus = 'granted';
});

function signed(status = 'granted', opts: { key?: string; timestamp?: number; uuid?: string } = {}) {
	const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
	const message = JSON.stringify({ uuid: opts.uuid ?? SESSION, status });
	return { hmac: computeSignature(opts.key ?? API_KEY, timestamp, message), timestamp, message };
}

async function deliver(
	request: { body?: unknown; query?: IDataObject; headers?: Record<string, string>; rawBody?: string; method?: string },
	parameters: INodeParameters = {},
	staticData: IDataObject = {},
) {
	const run = fakeWebhookContext({
		nodeType: trigger,
		parameters: { fetchSession: false, ...parameters },
		credentials: credentials(server.baseUrl),
		request: { headers: { 'content-type': 'application/x-www-form-urlencoded' }, ...request },
		staticData,
	});
	const result = await trigger.webhook.call(run.context);
	return { ...run, result };
}

function outputItems(result: Awaited<ReturnType<typeof deliver>>['result']) {
	return (result.workflowData ?? []).flat();
}

describe('Inbank Smart Rent Trigger webhook', () => {
	it('accepts a signed callback and starts one execution with the documented item', async () => {
		const run = await deliver({ body: signed('granted') });
		expect(run.result.webhookResponse).toBe('OK');
		expect(run.response.statusCode).toBeUndefined();
		const items = outputItems(run.result);
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			uuid: SESSION,
			status: 'granted',
			event: expect.stringMatching(/^Financing granted: not paid yet/),
			verification: 'signature',
			callback: { shape: 'signed', payload: { uuid: SESSION, status: 'granted' } },
		});
		expect(Date.parse(items[0].json.receivedAt as string)).not.toBeNaN();
		expect(JSON.stringify(items)).not.toContain('"hmac"');
	});

	it.each([
		['an unsigned plain body', { body: { uuid: SESSION, status: 'completed' } }, 401, /not signed/],
		['a forged hmac', { body: { ...signed('completed'), hmac: signed('completed', { key: 'forger' }).hmac } }, 401, /hmac does not match/],
		['a tampered message', { body: { ...signed('granted'), message: JSON.stringify({ uuid: SESSION, status: 'completed' }) } }, 401, /hmac does not match/],
		['a stale timestamp', { body: signed('granted', { timestamp: Math.floor(Date.now() / 1000) - 301 }) }, 401, /timestamp is stale/],
		['a future timestamp', { body: signed('granted', { timestamp: Math.floor(Date.now() / 1000) + 400 }) }, 401, /timestamp is future/],
		['an empty body', { body: {} }, 400, /no session uuid/],
		['a message that is not JSON', { body: { ...signed(), message: 'granted' } }, 400, /message is not JSON/],
		['an XML body', { body: {}, rawBody: '<callback/>', headers: { 'content-type': 'application/xml' } }, 400, /neither JSON nor form/],
	])('refuses %s: HTTP %s, nothing started', async (_name, request, code, reason) => {
		const run = await deliver(request);
		expect(run.result.noWebhookResponse).toBe(true);
		expect(run.result.workflowData).toBeUndefined();
		expect(run.response.statusCode).toBe(code);
		const warning = run.logs.find((line) => line.startsWith('warn'));
		expect(warning).toMatch(reason);
		expect(JSON.stringify({ logs: run.logs, body: run.response.body })).not.toContain(API_KEY);
		expect(run.staticData.deliveries).toBeUndefined();
	});

	it('hands the same uuid + status delivered twice (server and browser) to n8n once', async () => {
		const first = await deliver({ body: signed('granted') });
		const browser = await deliver({ method: 'GET', body: {}, query: signed('granted') });
		expect(outputItems(first.result)).toHaveLength(1);
		expect(browser.result.workflowData).toBeUndefined();
		expect(browser.result.webhookResponse).toBe('OK');
		// The webhook writes nothing to static data: n8n 2.41.1 would not save it (see the README).
		expect(first.staticData).toEqual({});
		const next = await deliver({ body: signed('completed') });
		expect(outputItems(next.result)).toHaveLength(1);
	});

	it('reads the credential once per few seconds, not per callback', async () => {
		const first = await deliver({ body: signed('granted', { uuid: '0cac0e00-0000-4000-8000-000000000001' }) });
		const second = await deliver({ body: signed('granted', { uuid: '0cac0e00-0000-4000-8000-000000000002' }) });
		expect(first.credentialReads()).toBe(1);
		expect(second.credentialReads()).toBe(0);
		expect(outputItems(second.result)).toHaveLength(1);
	});

	it('concurrent copies of one delivery start one execution', async () => {
		const body = signed('completed');
		const runs = await Promise.all(Array.from({ length: 20 }, () => deliver({ body }, {}, {})));
		expect(runs.filter((run) => run.result.workflowData).length).toBe(1);
	});

	it('acknowledges statuses that are not selected without starting anything', async () => {
		const run = await deliver({ body: signed('pending') }, { statuses: ['granted', 'completed'] });
		expect(run.result.webhookResponse).toBe('OK');
		expect(run.result.workflowData).toBeUndefined();
		const wanted = await deliver({ body: signed('completed') }, { statuses: ['granted', 'completed'] });
		expect(outputItems(wanted.result)).toHaveLength(1);
	});

	it('hands one item to n8n also when routing by status (execute() routes it)', async () => {
		const run = await deliver({ body: signed('declined') }, { routeByStatus: true });
		expect(run.result.workflowData).toEqual([[expect.objectContaining({ json: expect.objectContaining({ status: 'declined' }) })]]);
	});

	it('fetches the session after verifying, and Inbank\'s record wins over the callback', async () => {
		sessionStatus = 'cancelled';
		const run = await deliver({ body: signed('granted') }, { fetchSession: true });
		expect(server.requests).toHaveLength(1);
		expect(server.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
		const [item] = outputItems(run.result);
		expect(item.json).toMatchObject({
			status: 'cancelled',
			callbackStatus: 'granted',
			statusMismatch: true,
			posSession: { uuid: SESSION, status: 'cancelled', creditContractUuid: 'c-1' },
		});
		expect(JSON.stringify(item)).not.toContain(API_KEY);
	});

	it('keeps the callback when the session cannot be fetched, and says why', async () => {
		const run = await deliver({ body: signed('granted', { uuid: '0ddba11e-0000-4000-8000-000000000404' }) }, { fetchSession: true });
		const [item] = outputItems(run.result);
		expect(item.json.status).toBe('granted');
		expect(item.json.fetchError).toMatch(/HTTP 404/);
	});

	describe('secret token in the URL', () => {
		const parameters = { verification: 'urlToken', callbackToken: TOKEN };
		it('accepts the right token, also for plain bodies, and never outputs it', async () => {
			const run = await deliver({ body: { uuid: SESSION, status: 'granted' }, query: { token: TOKEN } }, parameters);
			const items = outputItems(run.result);
			expect(items).toHaveLength(1);
			expect(items[0].json.verification).toBe('urlToken');
			expect(JSON.stringify(items)).not.toContain(TOKEN);
		});
		it.each([
			['a wrong token', { token: `${TOKEN}x` }],
			['no token', {}],
		])('refuses %s', async (_name, query) => {
			const run = await deliver({ body: { uuid: SESSION, status: 'granted' }, query }, parameters);
			expect(run.response.statusCode).toBe(401);
			expect(JSON.stringify(run.logs)).not.toContain(TOKEN);
		});
		it('refuses everything while the configured token is too short (503: Inbank retries once it is fixed)', async () => {
			const run = await deliver(
				{ body: { uuid: SESSION, status: 'granted' }, query: { token: 'short' } },
				{ verification: 'urlToken', callbackToken: 'short' },
			);
			expect(run.response.statusCode).toBe(503);
			expect(run.logs.join()).toMatch(/shorter than 32 characters/);
		});
	});

	it('with verification None accepts a plain callback', async () => {
		const run = await deliver({ body: { uuid: SESSION, status: 'expired' } }, { verification: 'none' });
		expect(outputItems(run.result)[0].json).toMatchObject({ status: 'expired', verification: 'none' });
	});
});

describe('Inbank Smart Rent Trigger description', () => {
	const { description } = trigger;
	it('is a trigger with no inputs, the inbankApi credential, and no AI-tool use', () => {
		expect(description.name).toBe('inbankSmartRentTrigger');
		expect(description.inputs).toEqual([]);
		expect(description.credentials).toEqual([{ name: 'inbankApi', required: true }]);
		expect(description.usableAsTool).toBeUndefined();
	});
	it('is secure by default and warns in the UI when verification is off', () => {
		const verification = description.properties.find((p) => p.name === 'verification');
		expect(verification?.default).toBe('signature');
		const warning = description.properties.find((p) => p.name === 'insecureNotice');
		expect(warning?.type).toBe('notice');
		expect(warning?.displayOptions?.show?.verification).toEqual(['none']);
		expect(warning?.displayName).toMatch(/^Insecure/);
	});
	it('lets every status through by default', () => {
		const statuses = description.properties.find((p) => p.name === 'statuses');
		expect(statuses?.default).toEqual(['pending', 'granted', 'completed', 'cancelled', 'declined', 'expired']);
	});
	it('declares one version, not 1 (n8n evaluates an extra expression per request to a version-1 webhook node), and a subtitle in words', () => {
		expect(description.version).toBe(2);
		expect(description.defaultVersion).toBeUndefined();
		expect(description.subtitle).toMatch(/"signature": "Signed callbacks"/);
		expect(description.subtitle).not.toMatch(/verification: /);
	});
	it('offers the Replay Window that the webhook accepts: the same limits and default', () => {
		const field = description.properties.find((p) => p.name === 'replayWindowSeconds');
		const { minValue, maxValue } = field?.typeOptions as { minValue: number; maxValue: number };
		const windowOf = (value?: number) => {
			const settings = readSettings((name, fallback) => (name === 'replayWindowSeconds' && value !== undefined ? value : fallback));
			return settings.ok ? settings.value.replayWindowSeconds : settings.reason;
		};
		expect([windowOf(minValue), windowOf(maxValue), windowOf()]).toEqual([minValue, maxValue, field?.default]);
		expect(windowOf(minValue - 1)).toMatch(`expected a number from ${minValue} to ${maxValue}`);
		expect(windowOf(maxValue + 1)).toMatch(`expected a number from ${minValue} to ${maxValue}`);
	});
});
