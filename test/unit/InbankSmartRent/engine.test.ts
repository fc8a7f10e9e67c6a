import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

import { InbankApi } from '../../../credentials/InbankApi.credentials';
import { itemParameters } from '../../../nodes/InbankSmartRent/actions/shared/operation';
import { InbankSmartRent } from '../../../nodes/InbankSmartRent/InbankSmartRent.node';
import { resultOf, runWorkflow } from '../../support/engine';
import { API_KEY, credentials, SHOP_UUID } from '../../support/fixtures';
import { startRecorder } from '../../support/http-recorder';

/**
 * The node through n8n-core's real WorkflowExecute (test/support/engine.js): n8n's own parameter
 * resolution, expressions, execute context and HTTP helper. First the proof that the per-run parameter
 * cache (itemParameters) reads exactly what n8n's getNodeParameter reads; then whole operations.
 */

const TYPE = 'n8n-nodes-inbank.inbankSmartRent';
const inbank = new InbankSmartRent();

type Read = [name: string, fallback?: unknown, options?: IDataObject];

/** A node type with Inbank Smart Rent's parameters whose execute reads them both ways, per item. */
function probeType(reads: Read[]): INodeType {
	return {
		description: inbank.description,
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const cached = itemParameters(this);
			const read = (context: IExecuteFunctions, [name, fallback, options]: Read, itemIndex: number) => {
				try {
					return { value: context.getNodeParameter(name, itemIndex, fallback, options as never) };
				} catch (error) {
					return { error: (error as Error).message };
				}
			};
			return [
				this.getInputData().map((_item, itemIndex) => ({
					json: {
						n8n: reads.map((r) => read(this, r, itemIndex)),
						cached: reads.map((r) => read(cached, r, itemIndex)),
					} as unknown as IDataObject,
					pairedItem: { item: itemIndex },
				})),
			];
		},
	};
}

async function probe(
	parameters: IDataObject,
	reads: Read[],
	items: Array<{ json: IDataObject }> = [{ json: { i: 1, code: 'a' } }, { json: { i: 2, code: 'b' } }, { json: { i: 3 } }],
): Promise<Array<{ n8n: unknown[]; cached: unknown[] }>> {
	const run = await runWorkflow({
		nodes: [{ id: '1', name: 'Probe', type: TYPE, typeVersion: 1, position: [0, 0], parameters }],
		nodeTypes: { [TYPE]: probeType(reads) },
		items,
	});
	const { items: out, error } = resultOf(run, 'Probe');
	expect(error).toBeUndefined();
	return (out as INodeExecutionData[]).map((item) => item.json as unknown as { n8n: unknown[]; cached: unknown[] });
}

const createFields = {
	resource: 'posSession',
	operation: 'create',
	productCode: 'smart_rent_ee',
	period: '={{ 12 * $json.i }}',
	purchaseDescription: '={{ "Order " + $json.i }}',
	assets: {
		asset: [
			{ type: 'MODEL_BASED', modelId: '={{ "m-" + $json.i }}', modelName: 'Phone', netPrice: 449 },
			{ type: 'CATEGORY_BASED', categoryCode: 'add_on', modelName: 'Case', netPrice: 19.5 },
		],
	},
	partnerUrls: { urls: { returnUrl: 'https://shop.example.com/r', cancelUrl: 'https://shop.example.com/c' } },
	purchaseReference: '={{ $json.code ?? "none" }}',
	additionalFields: { userIp: '203.0.113.7' },
	options: { concurrency: 2, timeout: 10 },
};

describe("the per-run parameter cache reads what n8n's own getNodeParameter reads", () => {
	it('fixed values, expressions per item, defaults, nested expressions in collections', async () => {
		const reads: Read[] = [
			['resource'],
			['operation'],
			['productCode'],
			['period'],
			['purchaseDescription'],
			['assets', {}],
			['partnerUrls', {}],
			['additionalFields', {}],
			['options', {}],
			// Not set in the workflow: n8n's defaults.
			['currency', 'EUR'],
			['locale'],
			['insuranceUsed', true],
			['inputMode', 'fields'],
			['customerData', {}],
			['purchaseReference'],
		];
		const out = await probe(createFields, reads);
		expect(out).toHaveLength(3);
		for (const item of out) expect(item.cached).toEqual(item.n8n);
		// The probe sees real per-item values, not one value for all.
		expect(out.map((item) => (item.n8n[3] as { value: unknown }).value)).toEqual([12, 24, 36]);
		expect(out.map((item) => (item.n8n[14] as { value: unknown }).value)).toEqual(['a', 'b', 'none']);
		expect(out.map((item) => (item.n8n[7] as { value: IDataObject }).value)).toEqual(Array(3).fill({ userIp: '203.0.113.7' }));
		expect((out[0].n8n[10] as { value: unknown }).value).toBe('et-EE');
	});

	it('fallbacks: a parameter the node does not show, read with different fallbacks', async () => {
		const reads: Read[] = [
			['requestBody', 'first fallback'],
			['requestBody', 'second fallback'],
			['requestBody'],
			['noSuchParameter', 7],
			['noSuchParameter', 8],
		];
		const out = await probe(createFields, reads);
		for (const item of out) expect(item.cached).toEqual(item.n8n);
		expect(out[0].n8n.slice(0, 2)).toEqual([{ value: 'first fallback' }, { value: 'second fallback' }]);
	});

	it('options: the same parameter read with and without n8n options', async () => {
		const reads: Read[] = [
			['productCode'],
			['productCode', undefined, { rawExpressions: true }],
			['purchaseDescription', undefined, { rawExpressions: true }],
			['period', undefined, { rawExpressions: true }],
			['options', {}],
			['options', {}, { ensureType: 'string' }],
		];
		const out = await probe(createFields, reads);
		for (const item of out) expect(item.cached).toEqual(item.n8n);
		expect(out[0].n8n[2]).toEqual({ value: '={{ "Order " + $json.i }}' });
		expect(out[0].n8n[5]).toEqual({ value: JSON.stringify(createFields.options) });
	});

	it('the JSON mode, and identifier defaults that are expressions', async () => {
		const json = {
			resource: 'posSession',
			operation: 'create',
			inputMode: 'json',
			requestBody: '={{ JSON.stringify({ productCode: "p", n: $json.i }) }}',
		};
		const jsonOut = await probe(json, [['inputMode', 'fields'], ['requestBody'], ['productCode', 'none']]);
		for (const item of jsonOut) expect(item.cached).toEqual(item.n8n);
		expect(jsonOut.map((item) => (item.n8n[1] as { value: string }).value)).toEqual(['{"productCode":"p","n":1}', '{"productCode":"p","n":2}', '{"productCode":"p","n":3}']);

		// Contract UUID left at its default: n8n fills in an expression that reads each item.
		const contract = { resource: 'contract', operation: 'activate', productCode: 'smart_rent_ee' };
		const items = [1, 2].map((i) => ({ json: { creditContractUuid: `c-${i}` } }));
		const contractOut = await probe(contract, [['contractUuid'], ['productCode'], ['options', {}]], items);
		for (const item of contractOut) expect(item.cached).toEqual(item.n8n);
		expect(contractOut.map((item) => item.n8n[0])).toEqual([{ value: 'c-1' }, { value: 'c-2' }]);
	});
});

const KNOWN_SESSION = '5e3a459a-aada-4d81-b6ad-09cb9483c8bf';

describe('operations through the real engine against a recorded HTTP server', () => {
	let server: Awaited<ReturnType<typeof startRecorder>>;
	let sessions = 0;
	beforeAll(async () => {
		server = await startRecorder((request) => {
			if (request.path.endsWith('/pos-sessions')) {
				sessions++;
				return { status: 201, body: { uuid: `s-${sessions}`, status: 'pending', redirectUrl: `https://epos.example/s-${sessions}` } };
			}
			if (request.path.endsWith('/activation')) return { status: 204 };
			if (request.method === 'GET' && request.path.endsWith(`/pos-sessions/${KNOWN_SESSION}`)) return { status: 200, body: { uuid: KNOWN_SESSION, status: 'granted' } };
			return { status: 404, body: { message: 'not_found' } };
		});
	});
	afterAll(async () => await server.close());
	beforeEach(() => {
		server.requests.length = 0;
	});

	async function runRaw(name: string, parameters: IDataObject, items: Array<{ json: IDataObject }>, settings: IDataObject = {}) {
		return await runWorkflow({
			nodes: [{ id: '1', name, type: TYPE, typeVersion: 1, position: [0, 0], parameters, credentials: { inbankApi: { id: '1', name: 'Inbank' } }, ...settings }],
			nodeTypes: { [TYPE]: inbank },
			credentialTypes: [new InbankApi()],
			credentials: { inbankApi: credentials(server.baseUrl) },
			items,
		});
	}

	async function runNode(
		name: string,
		parameters: IDataObject,
		items: Array<{ json: IDataObject }>,
	): Promise<{ items: INodeExecutionData[]; error?: Error }> {
		return resultOf(await runRaw(name, parameters, items), name);
	}

	it('Create POS session: one request per item with its own expressions, outputs paired in order', async () => {
		const { items, error } = await runNode('Create POS session', createFields, [{ json: { i: 1, code: 'a' } }, { json: { i: 2, code: 'b' } }, { json: { i: 3 } }]);
		expect(error).toBeUndefined();
		expect(server.requests).toHaveLength(3);
		const bodies = server.requests
			.map((request) => request.json as IDataObject)
			.sort((a, b) => String((a.purchase as IDataObject).description).localeCompare(String((b.purchase as IDataObject).description)));
		expect(bodies.map((body) => [(body.purchase as IDataObject).purchaseReference, (body.rentalApplicationData as IDataObject).period, ((body.rentalApplicationData as IDataObject).assets as IDataObject[])[0].modelId])).toEqual([
			['a', 12, 'm-1'],
			['b', 24, 'm-2'],
			['none', 36, 'm-3'],
		]);
		for (const request of server.requests) {
			expect(request.path).toBe(`/partner/v3/shops/${SHOP_UUID}/pos-sessions`);
			expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
		}
		expect(items.map((item: INodeExecutionData) => [item.pairedItem, item.json.purchaseReference, item.json.productCode])).toEqual([
			[{ item: 0 }, 'a', 'smart_rent_ee'],
			[{ item: 1 }, 'b', 'smart_rent_ee'],
			[{ item: 2 }, 'none', 'smart_rent_ee'],
		]);
	});

	it('n8n-core takes the credential handed to its request helper (credentialsDecrypted) and loads it once per run, not per request', async () => {
		let loads = 0;
		const data = credentials(server.baseUrl);
		const counted = new Proxy({ inbankApi: data }, { get: (target, key: string) => (key === 'inbankApi' && loads++, target[key as 'inbankApi']) });
		const run = await runWorkflow({
			nodes: [{ id: '1', name: 'Create', type: TYPE, typeVersion: 1, position: [0, 0], parameters: createFields, credentials: { inbankApi: { id: '1', name: 'Inbank' } } }],
			nodeTypes: { [TYPE]: inbank },
			credentialTypes: [new InbankApi()],
			credentials: counted,
			items: [{ json: { i: 1 } }, { json: { i: 2 } }, { json: { i: 3 } }],
		});
		expect(resultOf(run, 'Create').error).toBeUndefined();
		expect(server.requests).toHaveLength(3);
		expect(loads).toBe(1);
	});

	it('Activate contract with Contract UUID at its default reads each item', async () => {
		const { items, error } = await runNode('Activate contract', { resource: 'contract', operation: 'activate', productCode: 'smart_rent_ee' }, [
			{ json: { creditContractUuid: '9c1f7f9e-3b7a-4c55-9d0e-5f1a2b3c4d5e' } },
			{ json: { posSession: { creditContractUuid: '1b0e7f9e-3b7a-4c55-9d0e-5f1a2b3c4d5f' } } },
		]);
		expect(error).toBeUndefined();
		expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
			`POST /partner/v3/shops/${SHOP_UUID}/rental/products/smart_rent_ee/contracts/9c1f7f9e-3b7a-4c55-9d0e-5f1a2b3c4d5e/activation`,
			`POST /partner/v3/shops/${SHOP_UUID}/rental/products/smart_rent_ee/contracts/1b0e7f9e-3b7a-4c55-9d0e-5f1a2b3c4d5f/activation`,
		]);
		expect(items.map((item: INodeExecutionData) => item.json.action)).toEqual(['activated', 'activated']);
	});

	it('a workflow with a resource the node does not declare fails, naming it, and sends nothing', async () => {
		const { error } = await runNode('Unknown', { resource: 'smartRent', operation: 'activateContract', productCode: 'p', contractUuid: '9c1f7f9e-3b7a-4c55-9d0e-5f1a2b3c4d5e' }, [{ json: {} }]);
		expect(error?.message).toBe('The resource "smartRent" is not supported');
		expect(server.requests).toEqual([]);
	});

	it('On Error → Continue (using error output): a failing item goes to the error output, the others to the main output', async () => {
		const missing = '0b0e7f9e-3b7a-4c55-9d0e-5f1a2b3c4d5f';
		const run = await runRaw('Get POS session', { resource: 'posSession', operation: 'get', sessionUuid: '={{ $json.uuid }}' }, [{ json: { uuid: missing } }, { json: { uuid: KNOWN_SESSION } }], {
			onError: 'continueErrorOutput',
		});
		const [main, errors] = run.data.resultData.runData['Get POS session'][0].data.main as INodeExecutionData[][];
		expect(main.map((item) => [item.json.uuid, item.json.status, item.pairedItem])).toEqual([[KNOWN_SESSION, 'granted', { item: 1 }]]);
		expect(errors.map((item) => [item.json.error, item.pairedItem])).toEqual([['Inbank could not find what was asked for (HTTP 404): "not_found"', { item: 0 }]]);
		expect(server.requests.map((request) => request.path)).toEqual([`/partner/v3/shops/${SHOP_UUID}/pos-sessions/${missing}`, `/partner/v3/shops/${SHOP_UUID}/pos-sessions/${KNOWN_SESSION}`]);
		// The error object now travels with the item (into n8n's execution data): still no key in it.
		expect(errors[0].error).toBeDefined();
		expect(JSON.stringify(errors)).not.toContain(API_KEY);
	});

	it('On Error → Continue (regular output): the failing item stays in the main output, in its place', async () => {
		const run = await runRaw('Get POS session', { resource: 'posSession', operation: 'get', sessionUuid: '={{ $json.uuid }}' }, [{ json: { uuid: '0b0e7f9e-3b7a-4c55-9d0e-5f1a2b3c4d5f' } }, { json: { uuid: KNOWN_SESSION } }], {
			onError: 'continueRegularOutput',
		});
		const [main] = run.data.resultData.runData['Get POS session'][0].data.main as INodeExecutionData[][];
		expect(main.map((item) => [item.json.error ?? item.json.status, item.pairedItem])).toEqual([
			['Inbank could not find what was asked for (HTTP 404): "not_found"', { item: 0 }],
			['granted', { item: 1 }],
		]);
	});

	it('an invalid item fails the node with n8n’s error, the item index set, nothing sent', async () => {
		const { error } = await runNode('Create POS session', { ...createFields, productCode: '   ' }, [{ json: { i: 1 } }]);
		expect(error?.message).toBe('Invalid POS session request: Product Code (productCode): is required: fill in Product Code, or set Default Product Code in the Inbank API credential');
		expect((error as Error & { context?: IDataObject })?.context?.itemIndex).toBe(0);
		expect(server.requests).toHaveLength(0);
	});
});
