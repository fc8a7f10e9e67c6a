import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { InbankSmartRent } from '../../../nodes/InbankSmartRent/InbankSmartRent.node';
import { fakeExecuteContext } from '../../support/fake-context';
import {
	API_KEY,
	credentials,
	fullExpectedBody,
	fullFieldParameters,
	minimalFieldParameters,
	SHOP_UUID,
} from '../../support/fixtures';
import { closedPort, startRecorder } from '../../support/http-recorder';

type Recorder = Awaited<ReturnType<typeof startRecorder>>;
type Answer = ReturnType<Parameters<typeof startRecorder>[0]>;

const node = new InbankSmartRent();
const SESSION_PATH = `/partner/v3/shops/${SHOP_UUID}/pos-sessions`;

let answer: (path: string) => Answer;
let server: Recorder;

beforeAll(async () => {
	server = await startRecorder((request) => answer(request.path));
});
afterAll(async () => await server.close());
beforeEach(() => {
	server.requests.length = 0;
	answer = (path) =>
		path === SESSION_PATH
			? {
					status: 201,
					body: {
						uuid: '5e3a459a-aada-4d81-b6ad-09cb9483c8bf',
						status: 'pending',
						redirectUrl: 'https://demo-epos.inbank.ee/session/5e3a459a-aada-4d81-b6ad-09cb9483c8bf',
					},
				}
			: { status: 404, body: { message: 'not_found' } };
});

async function run(
	parameters: INodeParameters | INodeParameters[],
	opts: { continueOnFail?: boolean; credentialOverrides?: Record<string, unknown> } = {},
) {
	const fake = fakeExecuteContext({
		nodeType: node,
		parameters,
		credentials: credentials(server.baseUrl, opts.credentialOverrides),
		continueOnFail: opts.continueOnFail,
	});
	let output: INodeExecutionData[][] | undefined;
	let error: Error | undefined;
	try {
		output = await node.execute.call(fake.context);
	} catch (caught) {
		error = caught as Error;
	}
	return { output, error, logs: fake.logs };
}

/** Everything a user or a log could see of a run. */
function visible(result: Awaited<ReturnType<typeof run>>): string {
	const error = result.error as (Error & { description?: string; context?: object }) | undefined;
	return JSON.stringify({
		output: result.output,
		message: error?.message,
		description: error?.description,
		context: error?.context,
		error: error ? { ...error } : undefined,
		logs: result.logs,
	});
}

describe('POS session create against a local HTTP server', () => {
	it('sends the exact request and returns uuid, status, redirectUrl, shop and environment', async () => {
		const result = await run(fullFieldParameters());
		expect(result.error).toBeUndefined();
		expect(server.requests).toHaveLength(1);
		const [request] = server.requests;
		expect(request.method).toBe('POST');
		expect(request.path).toBe(SESSION_PATH);
		expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
		expect(request.headers['content-type']).toMatch(/^application\/json/);
		expect(request.headers.accept).toBe('application/json');
		expect(request.json).toEqual(fullExpectedBody());
		expect(result.output).toEqual([
			[
				{
					json: {
						uuid: '5e3a459a-aada-4d81-b6ad-09cb9483c8bf',
						status: 'pending',
						redirectUrl: 'https://demo-epos.inbank.ee/session/5e3a459a-aada-4d81-b6ad-09cb9483c8bf',
						productCode: 'smart_rent_ee',
						shopUuid: SHOP_UUID,
						environment: 'custom',
						apiBaseUrl: server.baseUrl,
						purchaseReference: '1001',
					},
					pairedItem: { item: 0 },
				},
			],
		]);
	});

	it('sends the JSON mode body as given (plus integrationInfo) to the same endpoint', async () => {
		const body = { ...fullExpectedBody() } as Record<string, unknown>;
		delete body.integrationInfo;
		const result = await run({
			resource: 'posSession',
			operation: 'create',
			inputMode: 'json',
			requestBody: JSON.stringify(body),
		});
		expect(result.error).toBeUndefined();
		expect(server.requests[0].json).toEqual(fullExpectedBody());
	});

	it('reads redirectUrl and the uuid when Inbank names it posSessionUuid', async () => {
		answer = () => ({
			status: 201,
			body: { posSessionUuid: 'abc-123', status: 'pending', redirectUrl: 'https://demo-epos.inbank.ee/s/abc-123' },
		});
		const result = await run(minimalFieldParameters());
		expect(result.output?.[0][0].json).toMatchObject({
			uuid: 'abc-123',
			status: 'pending',
			redirectUrl: 'https://demo-epos.inbank.ee/s/abc-123',
		});
	});

	it('uses the environment and country host when no base URL is set', async () => {
		const fake = fakeExecuteContext({
			nodeType: node,
			parameters: minimalFieldParameters(),
			credentials: credentials('', { environment: 'production', country: 'lv' }),
		});
		// Replace the network call: the host must be Inbank's, and nothing may leave this machine.
		let seenUrl = '';
		(fake.context.helpers as unknown as Record<string, unknown>).httpRequestWithAuthentication = async (
			_type: string,
			options: { url: string },
		) => {
			seenUrl = options.url;
			return { statusCode: 201, headers: {}, body: '{"uuid":"u","status":"pending","redirectUrl":"https://x.example/s"}' };
		};
		const output = await node.execute.call(fake.context);
		expect(seenUrl).toBe(`https://api.inbank.lv${SESSION_PATH}`);
		expect(output[0][0].json.environment).toBe('production');
	});

	it('refuses an invalid item with a field-named NodeOperationError and sends nothing', async () => {
		const parameters = minimalFieldParameters({
			assets: { asset: [{ type: 'MODEL_BASED', modelId: '', modelName: 'Phone', netPrice: 10 }] },
		});
		const result = await run(parameters);
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe(
			'Invalid POS session request: Assets → Model ID (rentalApplicationData.assets[0].modelId): is required for a Model Based (MODEL_BASED) asset',
		);
		expect((result.error as NodeOperationError).context.itemIndex).toBe(0);
		expect(server.requests).toHaveLength(0);
	});

	it('names the bad item index when the second item is invalid', async () => {
		const result = await run([
			minimalFieldParameters(),
			minimalFieldParameters({ productCode: '' }),
		]);
		expect((result.error as NodeOperationError).context.itemIndex).toBe(1);
		expect(result.error?.message).toBe('Invalid POS session request: Product Code (productCode): is required: fill in Product Code, or set Default Product Code in the Inbank API credential');
		expect(server.requests).toHaveLength(1);
	});

	it('with Continue On Fail yields one error item per failing item and the rest go on', async () => {
		let calls = 0;
		answer = () => {
			calls++;
			return calls === 2
				? { status: 500, body: { message: 'internal_server_error' } }
				: { status: 201, body: { uuid: `u-${calls}`, status: 'pending', redirectUrl: `https://e.example/${calls}` } };
		};
		const result = await run(
			[
				minimalFieldParameters(),
				minimalFieldParameters({ locale: 'xx' }),
				minimalFieldParameters(),
				minimalFieldParameters(),
			],
			{ continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		const items = result.output?.[0] ?? [];
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(items[0].json.uuid).toBe('u-1');
		expect(items[1].json.error).toMatch(/^Invalid POS session request: Locale \(locale\): must be/);
		expect(items[2].json).toMatchObject({ httpCode: '500' });
		expect(items[2].json.error).toBe('Inbank had a server error (HTTP 500): "internal_server_error"');
		expect(items[3].json.uuid).toBe('u-3');
		expect(server.requests).toHaveLength(3);
	});

	it('reports a 201 answer without redirectUrl instead of passing it on', async () => {
		answer = () => ({ status: 201, body: { uuid: 'u', status: 'pending' } });
		const result = await run(minimalFieldParameters());
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toMatch(/^Inbank answered HTTP 201 without the expected fields: redirectUrl is required/);
	});
});

describe('API failures become NodeApiError with the status and Inbank\'s message', () => {
	const cases: Array<[string, Answer, RegExp, string, RegExp | undefined]> = [
		[
			'400 with errorCode',
			{ status: 400, body: { message: 'Invalid period', errorCode: 'CONSTRAINTS_VIOLATED_GENERAL' } },
			/^Inbank rejected the request as invalid \(HTTP 400\): "Invalid period", errorCode "CONSTRAINTS_VIOLATED_GENERAL"$/,
			'400',
			/"CONSTRAINTS_VIOLATED_GENERAL": the request breaks one of Inbank’s rules/,
		],
		[
			'401',
			{ status: 401, body: { message: 'unauthorized' } },
			/^Inbank did not accept the API key \(HTTP 401\): "unauthorized"$/,
			'401',
			/Check the API key in the Inbank API credential/,
		],
		[
			'403',
			{ status: 403, body: { message: 'User is not authorized to access this resource with an explicit deny' } },
			/^The API key is not allowed to act for this shop \(HTTP 403\): "User is not authorized/,
			'403',
			/Check Shop UUID in the Inbank API credential/,
		],
		['404', { status: 404, body: { message: 'not_found' } }, /^Inbank could not find what was asked for \(HTTP 404\): "not_found"$/, '404', /Check Shop UUID, the environment/],
		['409', { status: 409, body: { message: 'conflict' } }, /^Inbank reports a conflict with the current state \(HTTP 409\): "conflict"$/, '409', undefined],
		[
			'422 with a list of codes',
			{ status: 422, body: [{ errorCode: 'ASSET_MODEL_NOT_FOUND', message: 'model' }, { errorCode: 'PERIOD_NOT_ALLOWED' }] },
			/^Inbank could not process the request \(HTTP 422\): "model", errorCode "ASSET_MODEL_NOT_FOUND", "PERIOD_NOT_ALLOWED"$/,
			'422',
			/"ASSET_MODEL_NOT_FOUND": Inbank does not know the asset model/,
		],
		[
			'429 with Retry-After',
			{ status: 429, body: { message: 'Too Many Requests' }, headers: { 'retry-after': '7' } },
			/^Inbank is rate-limiting this shop \(HTTP 429\): "Too Many Requests"$/,
			'429',
			/retry after 7 s/,
		],
		['500', { status: 500, body: { message: 'internal_server_error' } }, /^Inbank had a server error \(HTTP 500\): "internal_server_error"$/, '500', /not repeated automatically\. It may have taken effect at Inbank: look for the session in the shop’s Inbank portal before sending it again/],
		['503 without a body', { status: 503 }, /^Inbank had a server error \(HTTP 503\)$/, '503', undefined],
		[
			'502 with an HTML body',
			{ status: 502, rawBody: '<html><body>Bad gateway</body></html>' },
			/^Inbank had a server error \(HTTP 502\) and its answer is not JSON$/,
			'502',
			/answered: "<html><body>Bad gateway<\/body><\/html>"\. The request is not repeated automatically\. It may have taken effect at Inbank/,
		],
		[
			'200 with a body that is not JSON (the session may have been created)',
			{ status: 200, rawBody: 'OK' },
			/^Inbank answered HTTP 200 but its answer is cut off or not JSON: the request may have succeeded$/,
			'200',
			/look for the session in the shop’s Inbank portal/,
		],
	];

	it.each(cases)('%s', async (_name, response, message, httpCode, description) => {
		answer = () => response;
		const result = await run(minimalFieldParameters({ options: { retries: 0 } }));
		expect(result.error).toBeInstanceOf(NodeApiError);
		const error = result.error as NodeApiError;
		expect(error.message).toMatch(message);
		expect(error.httpCode).toBe(httpCode);
		if (description) expect(error.description).toMatch(description);
		expect(error.description).toContain(`POST ${server.baseUrl}${SESSION_PATH}`);
		expect(error.context.itemIndex).toBe(0);
		expect(visible(result)).not.toContain(API_KEY);
	});

	it('a timeout names the wait and says the session may exist, not to check the host', async () => {
		answer = () => ({ status: 201, body: {}, delayMs: 3000 });
		const result = await run(minimalFieldParameters({ options: { timeout: 1 } }));
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe('Inbank did not answer within 1 s; the request may have taken effect');
		expect((result.error as NodeApiError).description).toMatch(/It may have taken effect at Inbank: look for the session in the shop’s Inbank portal before sending it again\.$/);
		expect((result.error as NodeApiError).description).not.toMatch(/Check the host/);
		expect(server.requests).toHaveLength(1);
		expect(visible(result)).not.toContain(API_KEY);
	});

	it('a refused connection names the host and says what to check', async () => {
		const port = await closedPort();
		const result = await run(minimalFieldParameters(), {
			credentialOverrides: { baseUrl: `http://127.0.0.1:${port}` },
		});
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe(`Could not reach Inbank at http://127.0.0.1:${port}`);
		expect((result.error as NodeApiError).description).toMatch(/ECONNREFUSED.*Check the host in the Inbank API credential/);
		expect(visible(result)).not.toContain(API_KEY);
	});

	it('a dropped connection says the session may exist (not that the host is unreachable), and a POST is not repeated', async () => {
		answer = () => ({ status: 0, destroy: true });
		const result = await run(minimalFieldParameters());
		expect(server.requests).toHaveLength(1);
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe('The connection to Inbank was dropped before it answered; the request may have taken effect');
		expect((result.error as NodeApiError).description).toMatch(/It may have taken effect at Inbank: look for the session/);
		expect((result.error as NodeApiError).description).not.toMatch(/Check the host/);
		expect(visible(result)).not.toContain(API_KEY);
	});

	it('an answer that echoes the API key is redacted', async () => {
		answer = (path) => ({ status: 400, body: { message: `bad key ${API_KEY} for ${path}`, errorCode: API_KEY } });
		const result = await run(minimalFieldParameters(), { continueOnFail: true });
		expect(JSON.stringify(result.output)).toContain('[redacted]');
		expect(visible(result)).not.toContain(API_KEY);
	});

	it('a broken credential names the credential field and sends nothing', async () => {
		const result = await run(minimalFieldParameters(), { credentialOverrides: { apiKey: '  ', baseUrl: 'ftp://x' } });
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe('Inbank API credential: apiKey must not be empty');
		expect((result.error as NodeOperationError).description).toContain(
			'Inbank API credential: baseUrl must be empty or an http(s) URL such as https://inbank-sandbox.example.com',
		);
		expect(server.requests).toHaveLength(0);
	});
});

describe('retries: only what is safe to repeat', () => {
	it('repeats a POST that Inbank answered 429, after its Retry-After', async () => {
		let calls = 0;
		answer = () =>
			++calls === 1
				? { status: 429, body: { message: 'Too Many Requests' }, headers: { 'retry-after': '1' } }
				: { status: 201, body: { uuid: 'u-r', status: 'pending', redirectUrl: 'https://e.example/r' } };
		const started = Date.now();
		const result = await run(minimalFieldParameters());
		expect(result.error).toBeUndefined();
		expect(server.requests).toHaveLength(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(result.output?.[0][0].json.uuid).toBe('u-r');
	});

	it('never repeats a POST answered with 500 (a session may exist)', async () => {
		answer = () => ({ status: 500, body: { message: 'internal_server_error' } });
		await run(minimalFieldParameters());
		expect(server.requests).toHaveLength(1);
	});

	it('never repeats a POST answered with 503 (a gateway may have passed it on)', async () => {
		answer = () => ({ status: 503, body: { message: 'service_unavailable' } });
		const result = await run(minimalFieldParameters({ options: { retries: 2 } }));
		expect(server.requests).toHaveLength(1);
		expect((result.error as NodeApiError).description).toMatch(/It may have taken effect at Inbank: look for the session/);
	});

	it('gives up after the configured retries and says how many attempts were made', async () => {
		answer = () => ({ status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '0' } });
		const result = await run(minimalFieldParameters({ options: { retries: 2 } }));
		expect(server.requests).toHaveLength(3);
		expect((result.error as NodeApiError).description).toContain('(3 attempts)');
	});

	it('does not wait for a Retry-After longer than it may', async () => {
		answer = () => ({ status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '3600' } });
		const result = await run(minimalFieldParameters());
		expect(server.requests).toHaveLength(1);
		expect((result.error as NodeApiError).description).toMatch(/retry after 3600 s/);
	});
});

describe('concurrency', () => {
	it('sends at most Options → Concurrency items at once and keeps the input order', async () => {
		let inFlight = 0;
		let most = 0;
		let calls = 0;
		answer = () => {
			calls++;
			inFlight++;
			most = Math.max(most, inFlight);
			const n = calls;
			return { status: 201, body: { uuid: `u-${n}`, status: 'pending', redirectUrl: `https://e.example/${n}` }, delayMs: 150, onSent: () => inFlight-- };
		};
		const parameters = Array.from({ length: 10 }, (_, i) =>
			minimalFieldParameters({ purchaseReference: `p-${i}`, options: { concurrency: 4 } }),
		);
		const result = await run(parameters);
		expect(result.error).toBeUndefined();
		expect(most).toBe(4);
		const items = result.output?.[0] ?? [];
		expect(items.map((i) => i.json.purchaseReference)).toEqual(parameters.map((_, i) => `p-${i}`));
		expect(items.map((i) => i.pairedItem)).toEqual(parameters.map((_, i) => ({ item: i })));
	});

	it('is one at a time by default', async () => {
		let inFlight = 0;
		let most = 0;
		answer = () => {
			inFlight++;
			most = Math.max(most, inFlight);
			return { status: 201, body: { uuid: 'u', status: 'pending', redirectUrl: 'https://e.example/x' }, delayMs: 30, onSent: () => inFlight-- };
		};
		await run(Array.from({ length: 4 }, () => minimalFieldParameters()));
		expect(most).toBe(1);
	});
});
