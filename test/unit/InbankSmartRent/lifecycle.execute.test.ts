import type { INodeTypes, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeHelpers, NodeOperationError, Workflow } from 'n8n-workflow';

import type { InbankSmartRentType } from '../../../nodes/InbankSmartRent/actions/node.type';

import { InbankSmartRent } from '../../../nodes/InbankSmartRent/InbankSmartRent.node';
import { fakeExecuteContext } from '../../support/fake-context';
import { API_KEY, credentials, SHOP_UUID } from '../../support/fixtures';
import { startRecorder } from '../../support/http-recorder';

type Recorder = Awaited<ReturnType<typeof startRecorder>>;
type Answer = ReturnType<Parameters<typeof startRecorder>[0]>;

const node = new InbankSmartRent();
const SHOP = `/partner/v3/shops/${SHOP_UUID}`;
const CONTRACT = '9c1f7f9e-3b7a-4c55-9d0e-5f1a2b3c4d5e';
const SESSION = '5e3a459a-aada-4d81-b6ad-09cb9483c8bf';

let server: Recorder;
let answer: () => Answer;
beforeAll(async () => {
	server = await startRecorder(() => answer());
});
afterAll(async () => await server.close());
beforeEach(() => {
	server.requests.length = 0;
});

async function run(parameters: INodeParameters | INodeParameters[], opts: { continueOnFail?: boolean; country?: string } = {}) {
	const fake = fakeExecuteContext({
		nodeType: node,
		parameters,
		credentials: credentials(server.baseUrl, opts.country ? { country: opts.country } : {}),
		continueOnFail: opts.continueOnFail,
	});
	try {
		return { output: await node.execute.call(fake.context), logs: fake.logs };
	} catch (error) {
		return { error: error as Error, logs: fake.logs };
	}
}

interface Case {
	name: string;
	parameters: INodeParameters;
	answer: Answer;
	method: string;
	path: string;
	body?: unknown;
	output: Record<string, unknown>;
}

const cases: Case[] = [
	{
		name: 'POS Session → Get',
		parameters: { resource: 'posSession', operation: 'get', sessionUuid: SESSION },
		answer: { status: 200, body: { uuid: SESSION, status: 'granted', creditContractUuid: CONTRACT, productCode: 'sr' } },
		method: 'GET',
		path: `${SHOP}/pos-sessions/${SESSION}`,
		output: { uuid: SESSION, status: 'granted', creditContractUuid: CONTRACT, paid: false },
	},
	{
		name: 'Rental Product → Get Asset Conditions',
		parameters: { resource: 'rentalProduct', operation: 'getAssetConditions', productCode: 'smart_rent_ee', identifierType: 'MANUFACTURER_PRODUCT_CODE', identifier: 'MTP43QN/A' },
		answer: { status: 200, body: { id: 42, name: 'iPhone 15', periods: [12, 24, 36], insuranceRequirement: 'OPTIONAL' } },
		method: 'GET',
		path: `${SHOP}/rental/products/smart_rent_ee/detailed-asset-model?identifierType=MANUFACTURER_PRODUCT_CODE&identifier=MTP43QN%2FA`,
		output: { id: 42, modelId: '42', name: 'iPhone 15', periods: [12, 24, 36], productCode: 'smart_rent_ee' },
	},
	{
		name: 'Rental Product → Calculate Rent',
		parameters: {
			resource: 'rentalProduct',
			operation: 'calculateRent',
			productCode: 'smart_rent_ee',
			period: '36',
			insuranceUsed: false,
			assets: {
				asset: [
					{ type: 'MODEL_BASED', modelId: '42', modelName: 'iPhone 15', netPrice: 799.9, grossPrice: 975.88 },
					{ type: 'CATEGORY_BASED', categoryCode: 'shipping_fee', modelName: 'Shipping', netPrice: '4.10' },
				],
			},
			additionalFields: { grossTradeInAmount: 100, grossCampaignDiscount: 0 },
		},
		answer: { status: 200, body: { netMonthlyPayment: 25.1, grossMonthlyPayment: 30.62 } },
		method: 'POST',
		path: `${SHOP}/rental/products/smart_rent_ee/calculations`,
		body: {
			period: 36,
			insuranceUsed: false,
			assets: [
				{ type: 'MODEL_BASED', modelId: '42', modelName: 'iPhone 15', netPrice: 799.9, grossPrice: 975.88 },
				{ type: 'CATEGORY_BASED', categoryCode: 'shipping_fee', modelName: 'Shipping', netPrice: 4.1 },
			],
			grossTradeInAmount: 100,
			grossCampaignDiscount: 0,
		},
		output: { netMonthlyPayment: 25.1, grossMonthlyPayment: 30.62, productCode: 'smart_rent_ee' },
	},
	{
		name: 'Contract → Get',
		parameters: { resource: 'contract', operation: 'get', productCode: 'smart_rent_ee', contractUuid: CONTRACT },
		answer: { status: 200, body: { uuid: CONTRACT, status: 'activated', referenceNumber: 'SR-1' } },
		method: 'GET',
		path: `${SHOP}/rental/products/smart_rent_ee/contracts/${CONTRACT}`,
		output: { uuid: CONTRACT, status: 'activated', referenceNumber: 'SR-1', activated: true },
	},
	{
		name: 'Contract → Update Asset Identifiers',
		parameters: {
			resource: 'contract',
			operation: 'updateAssetIdentifiers',
			productCode: 'smart_rent_ee',
			contractUuid: CONTRACT,
			assetIdentifiers: { identifier: [{ identifierType: 'IMEI', identifier: '35693803 5643809' }, { identifierType: 'SERIAL_NUMBER', identifier: 'F2LXK0ABCD' }] },
		},
		answer: { status: 204 },
		method: 'PATCH',
		path: `${SHOP}/rental/products/smart_rent_ee/contracts/${CONTRACT}/asset-identifiers`,
		body: {
			assetIdentifiers: [
				{ identifier: '356938035643809', identifierType: 'IMEI' },
				{ identifier: 'F2LXK0ABCD', identifierType: 'SERIAL_NUMBER' },
			],
		},
		output: { success: true, action: 'assetIdentifiersUpdated', contractUuid: CONTRACT, httpCode: 204 },
	},
	{
		name: 'Contract → Activate',
		parameters: { resource: 'contract', operation: 'activate', productCode: 'smart_rent_ee', contractUuid: CONTRACT },
		answer: { status: 204 },
		method: 'POST',
		path: `${SHOP}/rental/products/smart_rent_ee/contracts/${CONTRACT}/activation`,
		output: { success: true, action: 'activated', contractUuid: CONTRACT, httpCode: 204 },
	},
	{
		name: 'Contract → Approve',
		parameters: { resource: 'contract', operation: 'approve', contractUuid: CONTRACT },
		answer: { status: 204 },
		method: 'POST',
		path: `${SHOP}/contracts/${CONTRACT}/merchant-approval`,
		output: { success: true, action: 'merchantApproved', contractUuid: CONTRACT, httpCode: 204 },
	},
	{
		name: 'Contract → Cancel',
		parameters: { resource: 'contract', operation: 'cancel', contractUuid: CONTRACT },
		answer: { status: 204 },
		method: 'POST',
		path: `${SHOP}/contracts/${CONTRACT}/cancel`,
		output: { success: true, action: 'cancelled', contractUuid: CONTRACT, httpCode: 204 },
	},
];

describe.each(cases)('$name', (c) => {
	it('sends exactly the documented request and outputs a paired item', async () => {
		answer = () => c.answer;
		const result = await run(c.parameters);
		expect(result.error).toBeUndefined();
		expect(server.requests).toHaveLength(1);
		const [request] = server.requests;
		expect(request.method).toBe(c.method);
		expect(request.url).toBe(c.path);
		expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
		if (c.body === undefined) expect(request.rawBody).toBe('');
		else expect(request.json).toEqual(c.body);
		expect(result.output?.[0]).toHaveLength(1);
		expect(result.output?.[0][0].json).toMatchObject(c.output);
		expect(result.output?.[0][0].pairedItem).toEqual({ item: 0 });
	});

	it('maps an API failure to NodeApiError, and Continue On Fail keeps the other items', async () => {
		let calls = 0;
		answer = () => (++calls === 1 ? { status: 409, body: { message: 'wrong_state', errorCode: 'CONSTRAINTS_VIOLATED_GENERAL' } } : c.answer);
		const failing = await run(c.parameters);
		expect(failing.error).toBeInstanceOf(NodeApiError);
		expect(failing.error?.message).toBe(
			'Inbank reports a conflict with the current state (HTTP 409): "wrong_state", errorCode "CONSTRAINTS_VIOLATED_GENERAL"',
		);

		calls = 0;
		const kept = await run([c.parameters, c.parameters], { continueOnFail: true });
		const items = kept.output?.[0] ?? [];
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json).toMatchObject({ httpCode: '409' });
		expect(items[1].json).toMatchObject(c.output);
		expect(JSON.stringify(kept)).not.toContain(API_KEY);
	});
});

describe('lifecycle validation names the field and sends nothing', () => {
	const invalid: Array<[string, INodeParameters, string]> = [
		['an empty session uuid', { resource: 'posSession', operation: 'get', sessionUuid: '' }, 'Invalid POS session lookup: POS Session UUID (sessionUuid): must not be empty'],
		['a session uuid with a slash', { resource: 'posSession', operation: 'get', sessionUuid: '../contracts/x' }, 'Invalid POS session lookup: POS Session UUID (sessionUuid): must be a POS session uuid (8-4-4-4-12 hex digits), such as 5e3a459a-aada-4d81-b6ad-09cb9483c8bf'],
		['a contract id that is not a UUID', { resource: 'contract', operation: 'approve', contractUuid: 'contract-42' }, 'Invalid merchant approval: Contract UUID (contractUuid): must be a contract uuid (8-4-4-4-12 hex digits), such as 5e3a459a-aada-4d81-b6ad-09cb9483c8bf'],
		['no identifier', { resource: 'rentalProduct', operation: 'getAssetConditions', productCode: 'p', identifierType: 'EAN', identifier: ' ' }, 'Invalid asset conditions request: Identifier (identifier): must not be empty'],
		['no product code', { resource: 'contract', operation: 'get', productCode: '', contractUuid: CONTRACT }, 'Invalid rental contract lookup: Product Code (productCode): is required: fill in Product Code, or set Default Product Code in the Inbank API credential'],
		[
			'a category-based hero device in a calculation',
			{ resource: 'rentalProduct', operation: 'calculateRent', productCode: 'p', period: 24, assets: { asset: [{ type: 'CATEGORY_BASED', categoryCode: 'phone', modelName: 'X', netPrice: 1 }] } },
			'Invalid rental calculation request: Assets → Asset Type (body.assets[0].type): must be Model Based (MODEL_BASED): the first asset is the hero device (the main rented device) and Inbank requires it to be Model Based with a Model ID',
		],
		[
			'copying_fee outside Latvia in a calculation',
			{ resource: 'rentalProduct', operation: 'calculateRent', productCode: 'p', period: 24, assets: { asset: [{ type: 'MODEL_BASED', modelId: 'm', modelName: 'X', netPrice: 1 }, { type: 'CATEGORY_BASED', categoryCode: 'copying_fee', modelName: 'Fee', netPrice: 1 }] } },
			"Invalid rental calculation request: Assets → Category Code (body.assets[1].categoryCode): copying_fee is only available in Latvia (the credential's country is EE)",
		],
		[
			'an IMEI that is not 15 digits',
			{ resource: 'contract', operation: 'updateAssetIdentifiers', productCode: 'p', contractUuid: CONTRACT, assetIdentifiers: { identifier: [{ identifierType: 'IMEI', identifier: '12345' }] } },
			'Invalid asset identifiers update: Asset Identifiers → Identifier (assetIdentifiers[0].identifier): must be an IMEI of 15 digits',
		],
		[
			'no identifiers',
			{ resource: 'contract', operation: 'updateAssetIdentifiers', productCode: 'p', contractUuid: CONTRACT, assetIdentifiers: {} },
			'Invalid asset identifiers update: Asset Identifiers (assetIdentifiers): must hold at least one identifier (the hero device’s IMEI or serial number)',
		],
		['an empty contract uuid', { resource: 'contract', operation: 'cancel', contractUuid: '' }, 'Invalid contract cancellation: Contract UUID (contractUuid): must not be empty'],
	];
	it.each(invalid)('%s', async (_name, parameters, message) => {
		answer = () => ({ status: 204 });
		const result = await run(parameters);
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe(message);
		expect(server.requests).toHaveLength(0);
	});
});

describe('Inbank error codes in words', () => {
	it('explains ASSET_MODEL_NOT_FOUND from a 422 list', async () => {
		answer = () => ({ status: 422, body: [{ errorCode: 'ASSET_MODEL_NOT_FOUND', message: 'Asset model not found' }] });
		const result = await run({ resource: 'contract', operation: 'activate', productCode: 'p', contractUuid: CONTRACT });
		const error = result.error as NodeApiError;
		expect(error.message).toBe('Inbank could not process the request (HTTP 422): "Asset model not found", errorCode "ASSET_MODEL_NOT_FOUND"');
		expect(error.description).toMatch(/"ASSET_MODEL_NOT_FOUND": Inbank does not know the asset model/);
	});

	it('explains CONSTRAINTS_VIOLATED_GENERAL on asset identifiers', async () => {
		answer = () => ({ status: 400, body: { message: 'Constraints violated', errorCode: 'CONSTRAINTS_VIOLATED_GENERAL' } });
		const result = await run({ resource: 'contract', operation: 'updateAssetIdentifiers', productCode: 'p', contractUuid: CONTRACT, assetIdentifiers: { identifier: [{ identifierType: 'SERIAL_NUMBER', identifier: 'X1' }] } });
		expect((result.error as NodeApiError).description).toMatch(/only the hero device \(the first asset\) can be identified/);
	});
});

describe('identifier defaults read the previous step', () => {
	function evaluate(expression: string, json: object): unknown {
		const nodeTypes = { getByName: () => node, getByNameAndVersion: () => node, getKnownTypes: () => ({}) } as unknown as INodeTypes;
		const workflow = new Workflow({
			nodes: [{ id: '1', name: 'Prev', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} }],
			connections: {},
			active: false,
			nodeTypes,
		});
		return workflow.expression.getParameterValue(expression, null, 0, 0, 'Prev', [{ json: json as never }], 'manual', {});
	}
	const properties = node.description.properties;
	const contractDefault = String(properties.find((p) => p.name === 'contractUuid')?.default);
	const sessionDefault = String(properties.find((p) => p.name === 'sessionUuid')?.default);

	it('takes the session uuid from Create POS Session or the trigger', () => {
		expect(evaluate(sessionDefault, { uuid: SESSION })).toBe(SESSION);
	});
	it.each([
		['Get POS Session', { creditContractUuid: CONTRACT }],
		['the trigger with Verify Then Fetch', { uuid: SESSION, posSession: { creditContractUuid: CONTRACT } }],
		['a contract action', { success: true, contractUuid: CONTRACT }],
	])('takes the contract uuid from %s', (_from, json) => {
		expect(evaluate(contractDefault, json)).toBe(CONTRACT);
	});
});

describe('AI-tool descriptions', () => {
	it('every operation has an action and a description that says what it is for', () => {
		const operations = node.description.properties.filter((p) => p.name === 'operation');
		const options = operations.flatMap((p) => (p.options ?? []) as Array<{ value: string; action?: string; description?: string }>);
		expect(options.map((o) => o.value).sort()).toEqual(
			['activate', 'approve', 'calculateRent', 'cancel', 'create', 'get', 'get', 'getAssetConditions', 'updateAssetIdentifiers'].sort(),
		);
		for (const option of options) {
			expect(option.action).toBeTruthy();
			expect((option.description ?? '').length).toBeGreaterThan(40);
		}
	});
});

describe('reads are repeated after transient failures', () => {
	it('GET answered 502, then 200, succeeds on the second attempt', async () => {
		let calls = 0;
		answer = () => (++calls === 1 ? { status: 502, rawBody: '<html>Bad gateway</html>' } : { status: 200, body: { uuid: SESSION, status: 'granted' } });
		const result = await run({ resource: 'posSession', operation: 'get', sessionUuid: SESSION });
		expect(result.error).toBeUndefined();
		expect(server.requests).toHaveLength(2);
	});

	it('an action (POST) answered 502 is not repeated', async () => {
		answer = () => ({ status: 502, rawBody: '<html>Bad gateway</html>' });
		const result = await run({ resource: 'contract', operation: 'cancel', contractUuid: CONTRACT });
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(server.requests).toHaveLength(1);
	});
});

describe('one name per action', () => {
	const operations = node.description.properties.filter((p) => p.name === 'operation' && p.type === 'options');
	const actions = operations.flatMap((p) =>
		((p.options ?? []) as Array<{ name: string; value: string; action: string; description: string }>).map((o) => ({
			resource: (p.displayOptions?.show?.resource as string[])[0],
			...o,
		})),
	);

	it('names every action as the README does', () => {
		expect(actions.map((a) => `${a.resource}.${a.value} = ${a.name} / ${a.action}`).sort()).toEqual(
			[
				'posSession.create = Create / Create POS session',
				'posSession.get = Get / Get POS session',
				'contract.get = Get / Get contract',
				'contract.updateAssetIdentifiers = Update Asset Identifiers / Update asset identifiers',
				'contract.activate = Activate / Activate contract',
				'contract.approve = Approve / Approve contract',
				'contract.cancel = Cancel / Cancel contract',
				'rentalProduct.getAssetConditions = Get Asset Conditions / Get asset conditions',
				'rentalProduct.calculateRent = Calculate Rent / Calculate rent',
			].sort(),
		);
	});

	it('describes what an action does, without tutorial steps', () => {
		for (const action of actions) expect(action.description).not.toMatch(/step \d/i);
	});

	it('shows the action as the canvas subtitle', () => {
		const subtitle = String(node.description.subtitle);
		const nodeTypes = { getByName: () => node, getByNameAndVersion: () => node, getKnownTypes: () => ({}) } as unknown as INodeTypes;
		for (const action of actions) {
			const workflow = new Workflow({
				nodes: [
					{
						id: '1',
						name: 'N',
						type: 'n8n-nodes-inbank.inbankSmartRent',
						typeVersion: 1,
						position: [0, 0],
						parameters: { resource: action.resource, operation: action.value },
					},
				],
				connections: {},
				active: false,
				nodeTypes,
			});
			const shown = workflow.expression.getParameterValue(subtitle, null, 0, 0, 'N', [{ json: {} }], 'manual', {});
			expect(shown).toBe(action.action);
		}
	});

	it('a resource with an operation of another resource does not compile', () => {
		// @ts-expect-error: activate is a Contract operation, not a POS Session one.
		const wrong: InbankSmartRentType = { resource: 'posSession', operation: 'activate' };
		const right: InbankSmartRentType = { resource: 'contract', operation: 'activate' };
		expect([wrong.resource, right.resource]).toEqual(['posSession', 'contract']);
	});
});

describe('session and contract uuids', () => {
	it.each([
		['POS session', { resource: 'posSession', operation: 'get', sessionUuid: ' 5E3A459A-AADA-4D81-B6AD-09CB9483C8BF ' }, `${SHOP}/pos-sessions/5e3a459a-aada-4d81-b6ad-09cb9483c8bf`],
		['contract', { resource: 'contract', operation: 'cancel', contractUuid: CONTRACT.toUpperCase() }, `${SHOP}/contracts/${CONTRACT.toLowerCase()}/cancel`],
	])('a %s uuid in capitals is sent in its canonical lower case', async (_what, parameters, path) => {
		answer = () => ({ status: 200, body: { uuid: '5e3a459a-aada-4d81-b6ad-09cb9483c8bf', status: 'pending' } });
		const result = await run(parameters as INodeParameters);
		expect(result.error).toBeUndefined();
		expect(server.requests.map((r) => r.url)).toEqual([path]);
	});
});

describe('a resource or operation the node does not declare', () => {
	it.each([
		['resource', { resource: 'smartRent', operation: 'activateContract', productCode: 'p', contractUuid: CONTRACT }, 'The resource "smartRent" is not supported'],
		['operation', { resource: 'contract', operation: 'merchantApproval', contractUuid: CONTRACT }, 'The operation "merchantApproval" of resource "contract" is not supported'],
		['inherited name', { resource: 'contract', operation: 'toString', contractUuid: CONTRACT }, 'The operation "toString" of resource "contract" is not supported'],
	])('an unknown %s fails closed, naming the value, and sends nothing', async (_what, parameters, message) => {
		const result = await run(parameters as INodeParameters);
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe(message);
		expect(server.requests).toHaveLength(0);
	});

	it('no field of the node is shown for a resource it does not declare', () => {
		const shown = NodeHelpers.getNodeParameters(node.description.properties, { resource: 'smartRent', operation: 'activateContract' }, true, false, null, node.description);
		const visible = node.description.properties.filter((p) => p.name !== 'resource' && NodeHelpers.displayParameter(shown ?? {}, p, null, node.description));
		expect(visible.map((p) => p.name)).toEqual([]);
	});

	it('an operation that no version had fails closed, naming it, and sends nothing', async () => {
		const result = await run({ resource: 'contract', operation: 'refund', contractUuid: CONTRACT });
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe('The operation "refund" of resource "contract" is not supported');
		expect(server.requests).toHaveLength(0);
	});
});
