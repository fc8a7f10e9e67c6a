import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { InbankApi } from '../../../credentials/InbankApi.credentials';
import { retriesOption } from '../../../nodes/InbankSmartRent/actions/shared/options';
import { isLocalNetworkHost } from '../../../nodes/shared/transport/hosts';
import { InbankSmartRent } from '../../../nodes/InbankSmartRent/InbankSmartRent.node';
import { resultOf, runWorkflow } from '../../support/engine';
import { API_KEY, credentials, minimalFieldParameters, SHOP_UUID } from '../../support/fixtures';
import { closedPort, startRecorder } from '../../support/http-recorder';

/**
 * The transport through n8n-core's real engine and HTTP helper (test/support/engine.js), against real
 * local servers: the API's address, and a second origin (another port) that records whatever reaches it.
 * What n8n's helper does with redirects, timeouts, dropped connections and a user:password in the URL
 * decides these outcomes, so no imitation of it is used here.
 */

type Recorder = Awaited<ReturnType<typeof startRecorder>>;
type Answer = NonNullable<ReturnType<Parameters<typeof startRecorder>[0]>>;
type RunError = Error & { description?: string; httpCode?: string; errorResponse?: IDataObject; context?: IDataObject };

const TYPE = 'n8n-nodes-inbank.inbankSmartRent';
const SESSION = '5e3a459a-aada-4d81-b6ad-09cb9483c8bf';
const CONTRACT = '9c1f7f9e-3b7a-4c55-9d0e-5f1a2b3c4d5e';
const GET_SESSION: INodeParameters = { resource: 'posSession', operation: 'get', sessionUuid: SESSION };
const CREATE = (options: INodeParameters = {}) => minimalFieldParameters({ purchaseReference: 'order-19', options });
const UPDATE_IDENTIFIERS: INodeParameters = {
	resource: 'contract',
	operation: 'updateAssetIdentifiers',
	productCode: 'smart_rent_ee',
	contractUuid: CONTRACT,
	assetIdentifiers: { identifier: [{ identifierType: 'IMEI', identifier: '356938035643809' }] },
};
const CALCULATE: INodeParameters = {
	resource: 'rentalProduct',
	operation: 'calculateRent',
	productCode: 'smart_rent_ee',
	period: 24,
	assets: { asset: [{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'iPhone', netPrice: 449 }] },
};
const CREATED = { status: 201, body: { uuid: SESSION, status: 'pending', redirectUrl: 'https://epos.example/s' } };
const SESSION_READ = { status: 200, body: { uuid: SESSION, status: 'pending' } };

let api: Recorder;
let other: Recorder;
let answers: Answer[];

beforeAll(async () => {
	api = await startRecorder(() => (answers.length > 1 ? answers.shift() : answers[0]));
	other = await startRecorder(() => ({ status: 200, body: { uuid: SESSION, status: 'completed', paid: true } }));
});
afterAll(async () => {
	await api.close();
	await other.close();
});
beforeEach(() => {
	api.requests.length = 0;
	other.requests.length = 0;
	answers = [SESSION_READ];
});

async function run(parameters: INodeParameters, credentialOverrides: Record<string, unknown> = {}) {
	const run = await runWorkflow({
		nodes: [{ id: '1', name: 'Inbank', type: TYPE, typeVersion: 1, position: [0, 0], parameters, credentials: { inbankApi: { id: '1', name: 'Inbank' } } }],
		nodeTypes: { [TYPE]: new InbankSmartRent() },
		credentialTypes: [new InbankApi()],
		credentials: { inbankApi: credentials(api.baseUrl, credentialOverrides) },
	});
	const { items, error } = resultOf(run, 'Inbank');
	const result = { items: items as INodeExecutionData[], error: error as RunError | undefined };
	// Whatever happens, the key is in no item and no error.
	expect(visible(result)).not.toContain(API_KEY);
	return result;
}

/** Everything a user or a log can see of a run. */
function visible(result: { items: INodeExecutionData[]; error?: RunError }): string {
	const { error } = result;
	return JSON.stringify({ items: result.items, message: error?.message, description: error?.description, error: error && { ...error } });
}

describe('1. redirects are not followed: the key stays with the credential’s host', () => {
	it.each([301, 302, 303, 307, 308])('HTTP %p to another origin: an error naming status and host, nothing sent there (Get POS session)', async (status) => {
		answers = [{ status, headers: { location: `${other.baseUrl}/steal/path?token=t0k3n-from-query` }, body: { note: 'moved' } }];
		const { items, error } = await run({ ...GET_SESSION, options: { retries: 2 } });
		expect(items).toEqual([]);
		expect(error?.message).toBe(`Inbank's address answered with a redirect (HTTP ${status}) to host "127.0.0.1:${other.port}"; it was not followed`);
		expect(error?.httpCode).toBe(String(status));
		expect(error?.description).toContain('the API key did not leave for another address');
		expect(error?.description).toContain('Check Base URL (or Environment and Country) in the Inbank API credential');
		expect(visible({ items, error })).not.toMatch(/steal|t0k3n/);
		expect(other.requests).toHaveLength(0);
		// Not repeated either.
		expect(api.requests).toHaveLength(1);
	});

	it('a Create answered with 307 sends nothing to the other origin and says the session may exist', async () => {
		answers = [{ status: 307, headers: { location: `${other.baseUrl}/partner/v3/shops/${SHOP_UUID}/pos-sessions` } }];
		const { error } = await run(CREATE());
		expect(error?.message).toBe(`Inbank's address answered with a redirect (HTTP 307) to host "127.0.0.1:${other.port}"; it was not followed`);
		expect(error?.description).toContain('It may have taken effect at Inbank: look for the session in the shop’s Inbank portal (purchase reference "order-19") before sending it again.');
		expect(other.requests).toHaveLength(0);
		expect(api.requests).toHaveLength(1);
	});

	it('a redirect to the same host, or with a user:password in its Location, is refused too and shows the host only', async () => {
		answers = [{ status: 302, headers: { location: '/partner/v3/elsewhere?x=1' } }];
		const same = await run(GET_SESSION);
		expect(same.error?.message).toBe(`Inbank's address answered with a redirect (HTTP 302) to host "127.0.0.1:${api.port}" (the same host); it was not followed`);
		expect(api.requests).toHaveLength(1);

		answers = [{ status: 301, headers: { location: `http://thief:L0cati0nSecret@127.0.0.1:${other.port}/` } }];
		const userinfo = await run(GET_SESSION);
		expect(userinfo.error?.message).toContain(`to host "127.0.0.1:${other.port}"`);
		expect(visible(userinfo)).not.toMatch(/thief|L0cati0nSecret/);

		answers = [{ status: 302 }];
		const none = await run(GET_SESSION);
		expect(none.error?.message).toBe("Inbank's address answered with a redirect (HTTP 302) without a Location; it was not followed");
		expect(other.requests).toHaveLength(0);
	});
});

describe('2. a changing request that may have taken effect says so, and how to check', () => {
	it('Create timing out: may have taken effect, look it up by its purchase reference; no advice to check the host', async () => {
		answers = [{ ...CREATED, delayMs: 2_500 }];
		const { error } = await run(CREATE({ timeout: 1 }));
		expect(error?.message).toBe('Inbank did not answer within 1 s; the request may have taken effect');
		expect(error?.description).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/partner\/v3\/shops\/[^ ]+\/pos-sessions got no answer within 1 s \(ECONNABORTED\): "timeout of 1000ms exceeded"\. /);
		expect(error?.description).toContain('It may have taken effect at Inbank: look for the session in the shop’s Inbank portal (purchase reference "order-19") before sending it again.');
		expect(error?.description).not.toMatch(/[Cc]heck the (credential's )?host/);
		expect(api.requests).toHaveLength(1);
	});

	it('Create whose connection is dropped after it was sent: the same, and not repeated', async () => {
		answers = [{ status: 0, destroy: true }];
		const { error } = await run(CREATE({ retries: 3 }));
		expect(error?.message).toBe('The connection to Inbank was dropped before it answered; the request may have taken effect');
		expect(error?.description).toContain('(purchase reference "order-19") before sending it again.');
		expect(error?.description).not.toMatch(/[Cc]heck the (credential's )?host|Could not reach/);
		expect(api.requests).toHaveLength(1);
	});

	it.each([[500], [502], [503], [504]])('Create answered %p: may have taken effect, how to check, not repeated', async (status) => {
		answers = [{ status, body: { message: 'upstream trouble' } }];
		const { error } = await run(CREATE({ retries: 3 }));
		expect(error?.message).toBe(`Inbank had a server error (HTTP ${status}): "upstream trouble"`);
		expect(error?.description).toContain('It may have taken effect at Inbank: look for the session in the shop’s Inbank portal (purchase reference "order-19") before sending it again.');
		expect(api.requests).toHaveLength(1);
	});

	it('Update asset identifiers (PATCH) timing out points to Get contract', async () => {
		answers = [{ status: 200, body: {}, delayMs: 2_500 }];
		const { error } = await run({ ...UPDATE_IDENTIFIERS, options: { timeout: 1 } });
		expect(error?.message).toBe('Inbank did not answer within 1 s; the request may have taken effect');
		expect(error?.description).toContain('It may have taken effect at Inbank: look the contract up with Get contract before sending it again.');
	});

	it('a connection that is refused (nothing sent) names the host to check', async () => {
		const port = await closedPort();
		const { error } = await run(CREATE(), { baseUrl: `http://127.0.0.1:${port}` });
		expect(error?.message).toBe(`Could not reach Inbank at http://127.0.0.1:${port}`);
		expect(error?.description).toMatch(/failed before anything was sent \(ECONNREFUSED\): .*Check the host in the Inbank API credential/);
		expect(error?.description).not.toContain('may have taken effect');
	});

	it('a read timing out is repeated, and its error does not send the user to the host either', async () => {
		answers = [{ ...SESSION_READ, delayMs: 2_500 }];
		const { error } = await run({ ...GET_SESSION, options: { timeout: 1, retries: 1 } });
		expect(error?.message).toBe('Inbank did not answer within 1 s');
		expect(error?.description).toMatch(/\(2 attempts\) got no answer within 1 s .*Try again later, or allow more time \(Options → Timeout\)\.$/);
		expect(api.requests).toHaveLength(2);
	}, 15_000);
});

describe('3. retries: a changing request is repeated only after a 429', () => {
	const unavailable: Answer = { status: 503, body: { message: 'service_unavailable' } };

	it.each([
		['Create (POST)', CREATE({ retries: 2 }), 1],
		['Update asset identifiers (PATCH)', { ...UPDATE_IDENTIFIERS, options: { retries: 2 } }, 1],
		['Get POS session (GET)', { ...GET_SESSION, options: { retries: 2 } }, 3],
		['Calculate rent (a POST that only computes)', { ...CALCULATE, options: { retries: 2 } }, 3],
	])('503 for %s: %p request(s) sent', async (_name, parameters, expected) => {
		answers = [unavailable];
		const { error } = await run(parameters as INodeParameters);
		expect(error?.httpCode).toBe('503');
		expect(api.requests).toHaveLength(expected as number);
	}, 15_000);

	it('a Create answered 429 is repeated after its Retry-After and succeeds', async () => {
		answers = [{ status: 429, headers: { 'retry-after': '0' }, body: { message: 'slow down' } }, CREATED];
		const { items, error } = await run(CREATE({ retries: 2 }));
		expect(error).toBeUndefined();
		expect(items[0].json.uuid).toBe(SESSION);
		expect(api.requests).toHaveLength(2);
	});

	it('Options → Retries says so', () => {
		expect(retriesOption.description).toMatch(/POST or PATCH.*only after a 429/);
	});
});

describe('4. a user:password in Base URL is parsed as n8n’s helper parses it, and never shown', () => {
	const password = 'S3cret@Passw0rdTail';

	it.each([
		['an unencoded @ in the password', `http://proxyuser:${password}@127.0.0.1:PORT/inbank`],
		['a percent-encoded @', `http://proxyuser:${encodeURIComponent(password)}@127.0.0.1:PORT/inbank`],
	])('%s: the request goes to the host after the last @; apiBaseUrl and errors show no part of it', async (_name, template) => {
		const baseUrl = template.replace('PORT', String(api.port));
		answers = [CREATED];
		const created = await run(CREATE(), { baseUrl });
		expect(created.error).toBeUndefined();
		expect(created.items[0].json.apiBaseUrl).toBe(`http://127.0.0.1:${api.port}/inbank`);
		expect(api.requests.map((request) => request.path)).toEqual([`/inbank/partner/v3/shops/${SHOP_UUID}/pos-sessions`]);
		// n8n's client sends a URL's user:password as Basic authentication, in place of the bearer key.
		expect(api.requests[0].headers.authorization).toBe(`Basic ${Buffer.from(`proxyuser:${password}`).toString('base64')}`);
		expect(JSON.stringify(api.requests[0].headers)).not.toContain(API_KEY);

		// A proxy that echoes what it got, raw and decoded.
		answers = [{ status: 400, body: { message: `bad auth proxyuser:${password} / ${encodeURIComponent(password)}`, errorCode: password } }];
		const failed = await run(CREATE(), { baseUrl });
		expect(failed.error?.httpCode).toBe('400');
		for (const shown of [visible(created), visible(failed)]) {
			for (const part of ['S3cret', 'Passw0rdTail', 'proxyuser', 'S3cret%40']) expect(shown).not.toContain(part);
		}
		expect(failed.error?.description).toContain(`POST http://127.0.0.1:${api.port}/inbank/partner/v3/shops/`);

		// Inbank itself would answer 401: the error says why the key was not used.
		answers = [{ status: 401, body: { message: 'unauthorized' } }];
		const refused = await run(CREATE(), { baseUrl });
		expect(refused.error?.description).toMatch(/^Base URL carries a user:password, which n8n sends as HTTP Basic authentication in place of the API key/);
		expect(visible(refused)).not.toMatch(/S3cret|Passw0rdTail|proxyuser/);
	});
});

describe('5. cleartext: http:// only for this machine, a private network, or an explicit opt-in', () => {
	it('a public host over http:// is refused before anything is sent, naming the field and the opt-in', async () => {
		const { error } = await run(GET_SESSION, { baseUrl: `http://inbank-proxy.invalid:${api.port}` });
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe(
			'Inbank API credential: baseUrl must start with https:// for host "inbank-proxy.invalid:' +
				`${api.port}": http:// would send the API key unencrypted. http:// is accepted only for this machine (localhost, 127.x.x.x, [::1]) or a private network (10.x.x.x, 172.16–31.x.x, 192.168.x.x, [fc00::/7]), or when Allow Unencrypted HTTP (allowUnencryptedHttp) is on in the credential`,
		);
	});

	it('with Allow Unencrypted HTTP on, the same Base URL is tried (and here fails to resolve)', async () => {
		const { error } = await run({ ...GET_SESSION, options: { retries: 0 } }, { baseUrl: 'http://inbank-proxy.invalid', allowUnencryptedHttp: true });
		expect(error?.name).toBe('NodeApiError');
		expect(error?.message).toBe('Could not reach Inbank at http://inbank-proxy.invalid');
		expect(error?.description).toContain('(ENOTFOUND)');
	});

	it('loopback stays allowed, also written as an IPv4-mapped IPv6 address', async () => {
		const { error } = await run(GET_SESSION, { baseUrl: `http://[::ffff:127.0.0.1]:${api.port}` });
		expect(error).toBeUndefined();
		expect(api.requests).toHaveLength(1);
	});

	it.each([
		['localhost', true],
		['127.0.0.1', true],
		['127.255.1.2', true],
		['10.0.0.5', true],
		['172.16.0.1', true],
		['172.31.255.255', true],
		['192.168.1.10', true],
		['[::1]', true],
		['[fd12:3456::1]', true],
		['[fc00::1]', true],
		['[::ffff:a00:1]', true],
		['172.15.0.1', false],
		['172.32.0.1', false],
		['192.169.0.1', false],
		['11.0.0.1', false],
		['100.64.0.1', false],
		['169.254.169.254', false],
		['0.0.0.0', false],
		['8.8.8.8', false],
		['[::2]', false],
		['[fe80::1]', false],
		['[2001:db8::1]', false],
		['[::ffff:808:808]', false],
		['inbank-sandbox', false],
		['sandbox.local', false],
		['localhost.example.com', false],
		['127.0.0.1.nip.io', false],
	])('%p is a local network host: %p', (host, expected) => {
		expect(isLocalNetworkHost(host)).toBe(expected);
	});

	it('reads hosts as n8n’s URL parser writes them (octal, hex, short forms)', () => {
		const hostOf = (url: string) => new URL(url).hostname;
		expect(isLocalNetworkHost(hostOf('http://0x7f.1/'))).toBe(true);
		expect(isLocalNetworkHost(hostOf('http://012.1.2.3/'))).toBe(true);
		expect(isLocalNetworkHost(hostOf('http://010.0.0.1/'))).toBe(false);
		expect(isLocalNetworkHost(hostOf('http://[0:0:0:0:0:0:0:1]/'))).toBe(true);
		expect(isLocalNetworkHost(hostOf('http://127.0.0.1@8.8.8.8/'))).toBe(false);
	});
});

describe('6. text from the answer is quoted, cut and escaped in errors', () => {
	it('a long, multi-line message with control and bidi characters cannot forge lines or run on', async () => {
		const message = `Bad request\nERROR forged log line\r\u2028next\u202Eevil\u0000${'y'.repeat(2_000)} ${API_KEY}`;
		const errorCode = `CODE\nInjected: yes\u2029${'z'.repeat(500)}`;
		answers = [{ status: 400, body: { message, errorCode } }];
		const { error } = await run(GET_SESSION);
		expect(error?.httpCode).toBe('400');
		expect(error?.message).toMatch(/^Inbank rejected the request as invalid \(HTTP 400\): "Bad request\\nERROR forged log line\\r\\u2028next\\u202eevil\\u0000y+…", errorCode "CODE\\nInjected: yes\\u2029z+…"$/);
		const quotedMessage = /: "(Bad request[^"]*)"/.exec(error?.message ?? '')?.[1] ?? '';
		// 300 characters of the message, counted before escaping, plus the ellipsis.
		expect(quotedMessage.replace(/\\u[0-9a-f]{4}|\\[nr]/g, '.')).toHaveLength(301);
		expect(/errorCode "(CODE[^"]*)"/.exec(error?.message ?? '')?.[1].replace(/\\u[0-9a-f]{4}|\\[nr]/g, '.')).toHaveLength(81);
		for (const text of [error?.message ?? '', error?.description ?? '', JSON.stringify(error?.errorResponse ?? {})]) {
			for (const raw of ['\n', '\r', '\u2028', '\u2029', '\u202e', '\u0000']) expect(text).not.toContain(raw);
			expect(text.length).toBeLessThan(1_000);
		}
		expect(error?.errorResponse?.message).toMatch(/^Bad request\\nERROR forged log line/);
	});

	it('the key is redacted before cutting, so a cut cannot leave part of it', async () => {
		answers = [{ status: 422, body: { message: `${'x'.repeat(290)}${API_KEY}` } }];
		const { error } = await run(GET_SESSION);
		expect(error?.message).toContain(`${'x'.repeat(290)}[redacted]"`);
		expect(error?.message).not.toContain(API_KEY.slice(0, 10));
	});

	it('a 422 with many codes lists ten and counts the rest', async () => {
		answers = [{ status: 422, body: { errors: Array.from({ length: 40 }, (_, i) => ({ errorCode: `CODE_${i}` })) } }];
		const { error } = await run(GET_SESSION);
		expect(error?.message).toMatch(/errorCode "CODE_0", .*"CODE_9" and 30 more$/);
		expect(error?.message).not.toContain('CODE_10');
	});

	it('a body that is not JSON is quoted and escaped too', async () => {
		answers = [{ status: 502, rawBody: `<html>\u2028<b>\u202egateway\u0007</b>${'p'.repeat(500)}</html>` }];
		const { error } = await run({ ...GET_SESSION, options: { retries: 0 } });
		// Whitespace (a line separator too) becomes one space; other control and format characters are escaped.
		expect(error?.description).toMatch(/answered: "<html> <b>\\u202egateway\\u0007<\/b>p+…"\./);
		for (const raw of ['\u2028', '\u202e', '\u0007']) expect(error?.description).not.toContain(raw);
	});
});

describe('7. n8n rewrites an error message that names a network error code; ours are kept', () => {
	it('Inbank’s message naming ETIMEDOUT stays in the error, where NodeApiError alone would replace it', async () => {
		// n8n-workflow's NodeApiError swaps a message containing ECONNREFUSED, ETIMEDOUT, … for its own
		// generic sentence; errors.ts sets the message again after constructing the error.
		const generic = new NodeApiError(
			{ id: '1', name: 'Inbank', type: TYPE, typeVersion: 1, position: [0, 0], parameters: {} },
			{ httpCode: '504' },
			{ message: 'Inbank had a server error (HTTP 504): "upstream ETIMEDOUT"', httpCode: '504' },
		);
		expect(generic.message).not.toContain('upstream');
		answers = [{ status: 504, body: { message: 'upstream ETIMEDOUT' } }];
		const { error } = await run({ ...GET_SESSION, options: { retries: 0 } });
		expect(error?.message).toBe('Inbank had a server error (HTTP 504): "upstream ETIMEDOUT"');
	});
});

describe('8. Lithuania: Inbank publishes no host, so the key goes only to the Base URL Inbank gave the shop', () => {
	it.each([
		['Get POS session', GET_SESSION],
		['Create POS session', CREATE()],
	])('%s without Base URL is refused before anything is sent, naming Base URL and Country', async (_name, parameters) => {
		for (const environment of ['demo', 'production']) {
			const { items, error } = await run(parameters, { country: 'lt', environment, baseUrl: '' });
			expect(items).toEqual([]);
			// Refused by the node itself: a NodeApiError (ENOTFOUND, a refused connection) would mean n8n's helper tried a host.
			expect(error?.name).toBe('NodeOperationError');
			expect(error?.message).toBe(
				'Inbank API credential: baseUrl is required when Country is Lithuania: Inbank publishes no Lithuanian API host, so nothing is sent until Base URL holds the address Inbank gave the shop',
			);
		}
		expect(api.requests).toHaveLength(0);
	});

	it('with the Base URL Inbank gave the shop, requests go there with the key', async () => {
		const { error } = await run(GET_SESSION, { country: 'lt', baseUrl: api.baseUrl });
		expect(error).toBeUndefined();
		expect(api.requests).toHaveLength(1);
		expect(api.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
	});

	it('an unreachable Lithuanian Base URL says to check the address Inbank gave', async () => {
		const { error } = await run({ ...GET_SESSION, options: { retries: 0 } }, { country: 'lt', baseUrl: `http://127.0.0.1:${await closedPort()}` });
		expect(error?.message).toMatch(/^Could not reach Inbank at http:\/\/127\.0\.0\.1:\d+$/);
		expect(error?.description).toContain('Inbank publishes no Lithuanian host: Base URL must be the address Inbank gave the shop.');
	});
});
