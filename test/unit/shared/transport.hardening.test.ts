import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { parseRetryAfter } from '../../../nodes/shared/transport/errors';
import { InbankSmartRent } from '../../../nodes/InbankSmartRent/InbankSmartRent.node';
import { fakeExecuteContext } from '../../support/fake-context';
import { API_KEY, credentials, minimalFieldParameters, SHOP_UUID } from '../../support/fixtures';
import { startRecorder } from '../../support/http-recorder';

/** Odd values from Inbank and from the credential. */

type Recorder = Awaited<ReturnType<typeof startRecorder>>;
type Answer = ReturnType<Parameters<typeof startRecorder>[0]>;

const node = new InbankSmartRent();
const SESSION = '5e3a459a-aada-4d81-b6ad-09cb9483c8bf';
const CONTRACT = '9c1f7f9e-3b7a-4c55-9d0e-5f1a2b3c4d5e';
const GET_SESSION: INodeParameters = { resource: 'posSession', operation: 'get', sessionUuid: SESSION };

let server: Recorder;
let answers: Answer[];
let arrivals: number[];
beforeAll(async () => {
	server = await startRecorder(() => {
		arrivals.push(Date.now());
		return answers.length > 1 ? answers.shift() : answers[0];
	});
});
afterAll(async () => await server.close());
beforeEach(() => {
	server.requests.length = 0;
	arrivals = [];
});

async function run(parameters: INodeParameters, credentialOverrides: Record<string, unknown> = {}) {
	const fake = fakeExecuteContext({ nodeType: node, parameters, credentials: credentials(server.baseUrl, credentialOverrides) });
	try {
		return { output: await node.execute.call(fake.context), httpCalls: fake.httpCalls };
	} catch (error) {
		return { error: error as NodeApiError & { description?: string }, httpCalls: fake.httpCalls };
	}
}

const ok = { status: 200, body: { uuid: SESSION, status: 'pending' } };
const rateLimited = (retryAfter: string): Answer => ({ status: 429, headers: { 'retry-after': retryAfter }, body: { message: 'Too many requests' } });
const gap = () => arrivals[1] - arrivals[0];

describe('Retry-After: whole seconds or an HTTP-date only (RFC 9110)', () => {
	it.each([[''], [' '], ['0x1E'], ['1.5'], ['-1'], ['soon']])('%p is not a delay: the short backoff (0.5 s) is used', async (header) => {
		answers = [rateLimited(header), ok];
		const result = await run(GET_SESSION);
		expect(result.error).toBeUndefined();
		expect(server.requests).toHaveLength(2);
		expect(gap()).toBeGreaterThanOrEqual(400);
		expect(gap()).toBeLessThan(5_000);
	}, 15_000);

	it('an HTTP-date far in the future fails at once with Inbank’s answer instead of retrying', async () => {
		answers = [rateLimited(new Date(Date.now() + 3_600_000).toUTCString())];
		const result = await run(GET_SESSION);
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.httpCode).toBe('429');
		expect(server.requests).toHaveLength(1);
	});

	it('an HTTP-date two seconds ahead is waited for', async () => {
		answers = [rateLimited(new Date(Date.now() + 2_000).toUTCString()), ok];
		const result = await run(GET_SESSION);
		expect(result.error).toBeUndefined();
		expect(gap()).toBeGreaterThanOrEqual(900);
	}, 15_000);

	it('reads the three HTTP-date forms and digits only', () => {
		const now = Date.parse('1994-11-06T08:49:00Z');
		expect(parseRetryAfter('120', now)).toBe(120_000);
		expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(37_000);
		expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(37_000);
		expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', now)).toBe(37_000);
		expect(parseRetryAfter('Sun, 06 Nov 1994 08:48:00 GMT', now)).toBe(0);
		for (const odd of ['', ' ', '0x1E', '1e3', '+5', '12 s', 'Sun, 06 Nov 1994 08:49:37 CET', undefined, ['5']]) {
			expect(parseRetryAfter(odd, now)).toBeUndefined();
		}
	});

	it('the 429 advice passes Retry-After through the same redaction, quoted and cut short', async () => {
		answers = [rateLimited(`${API_KEY} ${'x'.repeat(200)}`)];
		const result = await run({ ...GET_SESSION, options: { retries: 0 } });
		expect(result.error?.httpCode).toBe('429');
		expect(result.error?.description).not.toContain(API_KEY);
		expect(result.error?.description).toContain('Retry-After "[redacted] xxx');
		expect(result.error?.description).not.toContain('x'.repeat(100));

		answers = [rateLimited('120')];
		const seconds = await run({ ...GET_SESSION, options: { retries: 0 } });
		expect(seconds.error?.description).toMatch(/^Send fewer requests at once; Inbank asks to retry after 120 s\./);
	});
});

describe('Options → Timeout stays within 1–300 s', () => {
	async function timeoutSent(timeout: number) {
		const fake = fakeExecuteContext({
			nodeType: node,
			parameters: { ...GET_SESSION, options: { timeout } },
			credentials: credentials(server.baseUrl),
			respond: () => ({ statusCode: 200, body: JSON.stringify(ok.body) }),
		});
		await node.execute.call(fake.context);
		return fake.httpCalls[0].timeout;
	}

	it.each([
		[0.0004, 1_000],
		[0.6, 1_000],
		[1e12, 300_000],
		[301, 300_000],
		[30, 30_000],
		[2.5, 2_500],
	])('%p s is sent as %p ms (0 ms would mean no timeout at all)', async (seconds, ms) => {
		expect(await timeoutSent(seconds)).toBe(ms);
	});
});

describe('credential values that would leave the shop’s path or show a password', () => {
	it.each([['..'], ['a/b'], ['5e3a459a'], ['not-a-uuid']])('Shop UUID %p is refused, nothing sent', async (shopUuid) => {
		answers = [ok];
		const result = await run(GET_SESSION, { shopUuid });
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe('Inbank API credential: shopUuid must be the shop’s UUID, such as 00000000-0000-4000-8000-000000000000');
		expect(server.requests).toHaveLength(0);
	});

	it.each([['?y=1'], ['/x?y=1'], ['#frag'], ['/x#f']])('a Base URL ending in %p is refused, nothing sent', async (tail) => {
		answers = [ok];
		const result = await run(GET_SESSION, { baseUrl: `${server.baseUrl}${tail}` });
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toMatch(/^Inbank API credential: baseUrl must not contain a query \(\?…\) or a fragment/);
		expect(server.requests).toHaveLength(0);
	});

	it('a Base URL with user:password never shows them: not in errors', async () => {
		// A real request through n8n's helper, whose answer echoes the password.
		answers = [{ status: 500, body: { message: 'proxy refused proxyuser:Pr0xyPassw0rd' } }];
		const result = await run({ ...GET_SESSION, options: { retries: 0 } }, { baseUrl: `http://proxyuser:Pr0xyPassw0rd@127.0.0.1:${server.port}` });
		expect(server.requests).toHaveLength(1);
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe('Inbank had a server error (HTTP 500): "proxy refused [redacted]"');
		expect(result.error?.description).toContain(`GET http://127.0.0.1:${server.port}/partner/v3/shops/`);
		const shown = JSON.stringify({ message: result.error?.message, description: result.error?.description, error: { ...result.error } });
		expect(shown).not.toContain('Pr0xyPassw0rd');
		expect(shown).not.toContain('proxyuser');
	});

	it('… and not in Create’s apiBaseUrl, while requests still go through the proxy URL (an @ in the password too)', async () => {
		answers = [{ status: 201, body: { uuid: SESSION, status: 'pending', redirectUrl: 'https://epos.example/s' } }];
		const result = await run(minimalFieldParameters(), { baseUrl: `http://proxyuser:Pr0xy@Passw0rd@127.0.0.1:${server.port}/inbank` });
		const output = result.output as INodeExecutionData[][];
		expect(output[0][0].json.apiBaseUrl).toBe(`http://127.0.0.1:${server.port}/inbank`);
		expect(JSON.stringify(output)).not.toMatch(/Pr0xy|Passw0rd|proxyuser/);
		expect(server.requests.map((request) => request.path)).toEqual([`/inbank/partner/v3/shops/${SHOP_UUID}/pos-sessions`]);
	});
});

describe('a cut-off 2xx answer to a changing request', () => {
	it('Create: says the session may have been created and how to check, not to check the host', async () => {
		answers = [{ status: 201, rawBody: `{"uuid":"${SESSION}","status":"pen` }];
		const result = await run(minimalFieldParameters({ purchaseReference: 'order-77' }));
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe('Inbank answered HTTP 201 but its answer is cut off or not JSON: the request may have succeeded');
		expect(result.error?.description).toContain('Do not send it again before checking whether it took effect: look for the session in the shop’s Inbank portal (purchase reference "order-77")');
		expect(result.error?.description).not.toContain("Check the credential's host");
		expect(server.requests).toHaveLength(1);
	});

	it('Update asset identifiers (PATCH): points to Get contract', async () => {
		answers = [{ status: 200, rawBody: '{"assetIdentif' }];
		const result = await run({
			resource: 'contract',
			operation: 'updateAssetIdentifiers',
			productCode: 'p',
			contractUuid: CONTRACT,
			assetIdentifiers: { identifier: [{ identifierType: 'SERIAL_NUMBER', identifier: 'X1' }] },
		});
		expect(result.error?.message).toMatch(/the request may have succeeded$/);
		expect(result.error?.description).toContain('look the contract up with Get contract');
	});

	it('a read (GET) with a body that is not JSON still points at the host', async () => {
		answers = [{ status: 200, rawBody: '<html>captive portal</html>' }];
		const result = await run({ ...GET_SESSION, options: { retries: 0 } });
		expect(result.error?.message).toBe('Inbank answered HTTP 200 with a body that is not JSON');
		expect(result.error?.description).toContain("Check the credential's host");
	});
});
