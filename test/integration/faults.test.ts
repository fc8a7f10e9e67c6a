import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { InbankSmartRent } from '../../nodes/InbankSmartRent/InbankSmartRent.node';
import { fakeExecuteContext } from '../support/fake-context';
import { startSandboxProcess } from '../support/sandbox-process';

/**
 * Fault injection against the Inbank sandbox for every operation: HTTP failures, slow answers past
 * the timeout, dropped connections, truncated and non-JSON bodies. Each gives the documented error,
 * or a retry where safe (GETs; 429 for any method), never a blind retry of a request that may have
 * changed something, whose error says it may have taken effect and how to check; Continue On Fail keeps
 * the other items; the API key appears nowhere.
 */
const SANDBOX_SHOP = 'a93f1f44-d5dd-4469-bfcc-c1de9e969213';
const SANDBOX_KEY = 'sandbox-demo-api-key';
const OTHER_SHOP = 'c0ffee00-0000-4000-8000-00000000beef';
const OTHER_KEY = 'the-other-shops-api-key';
const PRODUCT = 'smart_rent_demo';
const node = new InbankSmartRent();

type Sandbox = Awaited<ReturnType<typeof startSandboxProcess>>;
let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandboxProcess(['--shop', `${SANDBOX_SHOP}=${SANDBOX_KEY}:ee`, '--shop', `${OTHER_SHOP}=${OTHER_KEY}:ee`]);
}, 30_000);
afterAll(async () => await sandbox.stop());
beforeEach(async () => await sandbox.control('DELETE', '/faults'));

async function api(method: string, path: string, body?: unknown) {
	const res = await fetch(`${sandbox.url}/partner/v3/shops/${SANDBOX_SHOP}${path}`, {
		method,
		headers: { authorization: `Bearer ${SANDBOX_KEY}`, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	return text ? JSON.parse(text) : undefined;
}

const ORDER = {
	productCode: PRODUCT,
	currency: 'EUR',
	locale: 'et-EE',
	purchase: { description: 'Fault order' },
	rentalApplicationData: { assets: [{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'iPhone', netPrice: 449 }], period: 24 },
};

/** A granted session with its contract (and identifiers, for activation). */
async function grantedContract(withIdentifiers = false) {
	const session = await api('POST', '/pos-sessions', ORDER);
	await sandbox.control('POST', `/sessions/${session.uuid}/state`, { status: 'granted' });
	const { creditContractUuid } = await api('GET', `/pos-sessions/${session.uuid}`);
	if (withIdentifiers) {
		await api('PATCH', `/rental/products/${PRODUCT}/contracts/${creditContractUuid}/asset-identifiers`, {
			assetIdentifiers: [{ identifierType: 'IMEI', identifier: '356938035643809' }],
		});
	}
	return { sessionUuid: session.uuid as string, contractUuid: creditContractUuid as string };
}

interface Operation {
	name: string;
	method: 'GET' | 'POST' | 'PATCH';
	/** A POST that only computes: handled as a read. */
	readOnly?: boolean;
	path: string;
	parameters: () => Promise<INodeParameters>;
}

const operations: Operation[] = [
	{
		name: 'POS Session → Create',
		method: 'POST',
		path: '/pos-sessions',
		parameters: async () => ({ resource: 'posSession', operation: 'create', inputMode: 'json', requestBody: JSON.stringify(ORDER) }),
	},
	{
		name: 'POS Session → Get',
		method: 'GET',
		path: '/pos-sessions/',
		parameters: async () => ({ resource: 'posSession', operation: 'get', sessionUuid: (await api('POST', '/pos-sessions', ORDER)).uuid }),
	},
	{
		name: 'Rental Product → Get Asset Conditions',
		method: 'GET',
		path: '/detailed-asset-model',
		parameters: async () => ({ resource: 'rentalProduct', operation: 'getAssetConditions', productCode: PRODUCT, identifierType: 'EAN', identifier: '0195949036965' }),
	},
	{
		name: 'Rental Product → Calculate Rent',
		method: 'POST',
		readOnly: true,
		path: '/calculations',
		parameters: async () => ({
			resource: 'rentalProduct',
			operation: 'calculateRent',
			productCode: PRODUCT,
			period: 24,
			assets: { asset: [{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'iPhone', netPrice: 449 }] },
		}),
	},
	{
		name: 'Contract → Get',
		method: 'GET',
		path: '/contracts/',
		parameters: async () => ({ resource: 'contract', operation: 'get', productCode: PRODUCT, contractUuid: (await grantedContract()).contractUuid }),
	},
	{
		name: 'Contract → Update Asset Identifiers',
		method: 'PATCH',
		path: '/asset-identifiers',
		parameters: async () => ({
			resource: 'contract',
			operation: 'updateAssetIdentifiers',
			productCode: PRODUCT,
			contractUuid: (await grantedContract()).contractUuid,
			assetIdentifiers: { identifier: [{ identifierType: 'IMEI', identifier: '356938035643809' }] },
		}),
	},
	{
		name: 'Contract → Activate',
		method: 'POST',
		path: '/activation',
		parameters: async () => ({ resource: 'contract', operation: 'activate', productCode: PRODUCT, contractUuid: (await grantedContract(true)).contractUuid }),
	},
	{
		name: 'Contract → Approve',
		method: 'POST',
		path: '/merchant-approval',
		parameters: async () => ({ resource: 'contract', operation: 'approve', contractUuid: (await grantedContract()).contractUuid }),
	},
	{
		name: 'Contract → Cancel',
		method: 'POST',
		path: '/cancel',
		parameters: async () => ({ resource: 'contract', operation: 'cancel', contractUuid: (await grantedContract()).contractUuid }),
	},
];

async function run(parameters: INodeParameters | INodeParameters[], opts: { continueOnFail?: boolean; apiKey?: string; shopUuid?: string } = {}) {
	const fake = fakeExecuteContext({
		nodeType: node,
		parameters,
		credentials: { apiKey: opts.apiKey ?? SANDBOX_KEY, environment: 'demo', country: 'ee', shopUuid: opts.shopUuid ?? SANDBOX_SHOP, baseUrl: sandbox.url },
		continueOnFail: opts.continueOnFail,
	});
	let output: INodeExecutionData[][] | undefined;
	let error: (Error & { description?: string; httpCode?: string }) | undefined;
	try {
		output = await node.execute.call(fake.context);
	} catch (caught) {
		error = caught as typeof error;
	}
	const seen = JSON.stringify({ output, message: error?.message, description: error?.description, error: error && { ...error }, logs: fake.logs });
	expect(seen).not.toContain(SANDBOX_KEY);
	expect(seen).not.toContain(OTHER_KEY);
	return { output, error };
}

/** Requests the sandbox saw for this operation's path since `from`. */
async function attempts(op: Operation, from: number) {
	const log = (await sandbox.control('GET', '/requests')) as Array<{ method: string; path: string }>;
	return log.slice(from).filter((r) => r.method === op.method && r.path.includes(op.path)).length;
}

const withOptions = (parameters: INodeParameters, options: INodeParameters): INodeParameters => ({ ...parameters, options });

type Fault = { mode: string; status?: number; retryAfter?: number; delayMs?: number };
/** mayHaveTakenEffect: the error of a changing request says so and how to check, never to check the host. */
const faults: Array<[string, Fault, { safeForAll: boolean; message: RegExp; mayHaveTakenEffect?: boolean }]> = [
	['429 with Retry-After', { mode: 'status', status: 429, retryAfter: 1 }, { safeForAll: true, message: /rate-limiting this shop \(HTTP 429\)/ }],
	['429 without Retry-After', { mode: 'status', status: 429 }, { safeForAll: true, message: /rate-limiting this shop \(HTTP 429\)/ }],
	['503', { mode: 'status', status: 503 }, { safeForAll: false, message: /^Inbank had a server error \(HTTP 503\): "service_unavailable"$/, mayHaveTakenEffect: true }],
	['500', { mode: 'status', status: 500 }, { safeForAll: false, message: /^Inbank had a server error \(HTTP 500\): "internal_server_error"$/, mayHaveTakenEffect: true }],
	['502', { mode: 'status', status: 502 }, { safeForAll: false, message: /^Inbank had a server error \(HTTP 502\): "bad_gateway"$/, mayHaveTakenEffect: true }],
	['a dropped connection', { mode: 'drop' }, { safeForAll: false, message: /^The connection to Inbank was dropped before it answered; the request may have taken effect$/, mayHaveTakenEffect: true }],
	['a slow answer past the timeout', { mode: 'slow', delayMs: 2500 }, { safeForAll: false, message: /^Inbank did not answer within 1 s; the request may have taken effect$/, mayHaveTakenEffect: true }],
	['a truncated body', { mode: 'truncated' }, { safeForAll: false, message: /with a body that is not JSON|its answer is not JSON|cut off or not JSON: the request may have succeeded/ }],
	['a non-JSON body', { mode: 'non-json' }, { safeForAll: false, message: /\(HTTP 502\) and its answer is not JSON$/, mayHaveTakenEffect: true }],
];

describe.each(operations)('$name under injected faults', (op) => {
	it.each(faults)('%s: the documented error, or a retry where safe', async (_name, fault, expected) => {
		const parameters = withOptions(await op.parameters(), { timeout: 1, retries: 2 });
		const from = ((await sandbox.control('GET', '/requests')) as unknown[]).length;
		await sandbox.control('POST', '/faults', { ...fault, count: 1, method: op.method, path: op.path });
		const result = await run(parameters);
		const read = op.method === 'GET' || op.readOnly === true;
		const retried = expected.safeForAll || (read && fault.mode !== 'truncated' && fault.mode !== 'non-json');
		if (fault.mode === 'non-json' && read) {
			// A 502 is a server error: a read is repeated and succeeds.
			expect(result.error).toBeUndefined();
		} else if (retried) {
			expect(result.error).toBeUndefined();
			expect(result.output?.[0]).toHaveLength(1);
			expect(await attempts(op, from)).toBeGreaterThanOrEqual(fault.mode === 'slow' || fault.mode === 'drop' ? 1 : 2);
		} else {
			expect(result.error).toBeInstanceOf(NodeApiError);
			expect(result.error?.message).toMatch(expected.message);
			if (!read) expect(await attempts(op, from)).toBeLessThanOrEqual(1);
			if (expected.mayHaveTakenEffect && !read) {
				const description = (result.error as NodeApiError).description ?? '';
				expect(description).toMatch(/It may have taken effect at Inbank: look .+ before sending it again\./);
				expect(description).not.toMatch(/[Cc]heck the (credential's )?host/);
			}
		}
	}, 20_000);
});

describe('authentication and state errors from the sandbox', () => {
	it('401 for a wrong key and 403 for another shop, naming what to check', async () => {
		const parameters = await operations[1].parameters();
		const wrongKey = await run(parameters, { apiKey: 'a-wrong-api-key' });
		expect(wrongKey.error?.message).toBe('Inbank did not accept the API key (HTTP 401): "unauthorized"');
		const otherShop = await run(parameters, { apiKey: OTHER_KEY });
		expect(otherShop.error?.message).toMatch(/^The API key is not allowed to act for this shop \(HTTP 403\)/);
		expect(otherShop.error?.description).toMatch(/Check Shop UUID/);
	});

	it('404 for an unknown session, 409 for cancelling an activated contract, 422 for activating too early', async () => {
		const missing = await run({ resource: 'posSession', operation: 'get', sessionUuid: '00000000-0000-4000-8000-000000000000' });
		expect(missing.error?.message).toBe('Inbank could not find what was asked for (HTTP 404): "not_found"');
		const early = await run({ resource: 'contract', operation: 'activate', productCode: PRODUCT, contractUuid: (await grantedContract()).contractUuid });
		expect(early.error?.message).toMatch(/^Inbank could not process the request \(HTTP 422\): .*ASSET_IDENTIFIERS_MISSING/);
		const { contractUuid } = await grantedContract(true);
		await run({ resource: 'contract', operation: 'activate', productCode: PRODUCT, contractUuid });
		const late = await run({ resource: 'contract', operation: 'cancel', contractUuid });
		expect(late.error?.message).toMatch(/^Inbank reports a conflict with the current state \(HTTP 409\): "contract is activated.*CONSTRAINTS_VIOLATED_GENERAL/);
	});

	it('Continue On Fail keeps the other items when one request fails', async () => {
		const parameters = withOptions(await operations[0].parameters(), { retries: 0 });
		await sandbox.control('POST', '/faults', { mode: 'status', status: 500, count: 1, method: 'POST', path: '/pos-sessions' });
		const result = await run([parameters, parameters, parameters], { continueOnFail: true });
		const items = result.output?.[0] ?? [];
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json).toMatchObject({ httpCode: '500' });
		expect(items[1].json.status).toBe('pending');
		expect(items[2].json.status).toBe('pending');
	});
});
