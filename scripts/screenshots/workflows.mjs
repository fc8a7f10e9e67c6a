// The workflows the screenshots show. Node parameters live here only, as n8n stores them, so that when
// a node's parameter names or values change (resources, operations, trigger options) only this file
// changes. Types are resolved against the installed package's name.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CREDENTIAL = { id: 'inbankShots0001', name: 'Inbank sandbox' };
/** A credential whose host refuses connections (picture 2b: the credential test's network failure). */
export const UNREACHABLE_CREDENTIAL = { id: 'inbankShots0002', name: 'Inbank, host unreachable' };
/** The sandbox's product (sandbox/lib/config.mjs DEFAULT_PRODUCT). */
const PRODUCT = 'smart_rent_demo';

/** POS Session → Create with a Model Based and a Category Based asset (picture 1). */
export const CREATE_PARAMETERS = {
	resource: 'posSession',
	operation: 'create',
	inputMode: 'fields',
	productCode: PRODUCT,
	currency: 'EUR',
	locale: 'et-EE',
	period: 24,
	assets: {
		asset: [
			{
				type: 'MODEL_BASED',
				modelId: 'apple-iphone-15-128',
				modelName: 'Apple iPhone 15 128GB',
				netPrice: 449,
			},
			{
				type: 'CATEGORY_BASED',
				categoryCode: 'add_on',
				modelName: 'Silicone case',
				netPrice: 19.5,
			},
		],
	},
	purchaseDescription: 'Order 1001: Apple iPhone 15 on Smart Rent',
	customerContactData: { contact: { email: 'mari.maasikas@example.com', mobile: '+37255555555' } },
	// Top-level fields of Create (Fields mode), shown right under the description.
	purchaseReference: '1001',
	callbackUrl: 'https://n8n.example.com/webhook/6f1c9a2e-4b7d-4e3a-9c51-0d2b8e7f6a13/callback',
	partnerUrls: {
		urls: {
			returnUrl: 'https://shop.example.com/checkout/inbank-return',
			cancelUrl: 'https://shop.example.com/checkout/inbank-cancel',
		},
	},
};

/** The same request with a mistake the node refuses before sending anything (picture 4). */
export const INVALID_CREATE_PARAMETERS = {
	...CREATE_PARAMETERS,
	assets: {
		asset: [
			// A phone must be Model Based; "phone" is not a category Inbank accepts.
			{
				type: 'CATEGORY_BASED',
				categoryCode: 'phone',
				modelName: 'Apple iPhone 15 128GB',
				netPrice: 449,
			},
		],
	},
	customerContactData: {
		contact: { email: 'mari.maasikas(at)example.com', mobile: '+37255555555' },
	},
};

/** The lifecycle chain executed against the sandbox (picture 5): each step feeds the next. */
export const LIFECYCLE_STEPS = [
	[
		'Get asset conditions',
		{
			resource: 'rentalProduct',
			operation: 'getAssetConditions',
			productCode: PRODUCT,
			identifierType: 'EAN',
			identifier: '0195949036965',
		},
	],
	[
		'Calculate rent',
		{
			resource: 'rentalProduct',
			operation: 'calculateRent',
			productCode: PRODUCT,
			period: 24,
			assets: {
				asset: [
					{
						type: 'MODEL_BASED',
						modelId: '={{ $json.modelId }}',
						modelName: '={{ $json.name }}',
						netPrice: 449,
					},
				],
			},
		},
	],
	[
		'Create POS session',
		{
			...CREATE_PARAMETERS,
			assets: {
				asset: [
					{
						type: 'MODEL_BASED',
						modelId: "={{ $('Get asset conditions').item.json.modelId }}",
						modelName: "={{ $('Get asset conditions').item.json.name }}",
						netPrice: 449,
					},
				],
			},
		},
	],
	[
		'Get POS session',
		{ resource: 'posSession', operation: 'get', sessionUuid: '={{ $json.uuid }}' },
	],
];

/** The Manual Trigger's name, as n8n gives it to a new one. */
export const START_NODE = 'When clicking ‘Execute workflow’';

/** Manual Trigger → the package's action node(s) in a row. */
export function chain(packageName, id, name, steps) {
	const nodes = [
		{
			id: `${id}-start`,
			name: START_NODE,
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
	];
	const connections = {};
	let previous = nodes[0].name;
	steps.forEach(([stepName, parameters], index) => {
		nodes.push({
			id: `${id}-${index}`,
			name: stepName,
			type: `${packageName}.inbankSmartRent`,
			typeVersion: 1,
			position: [220 * (index + 1), 0],
			parameters,
			credentials: { inbankApi: CREDENTIAL },
		});
		connections[previous] = { main: [[{ node: stepName, type: 'main', index: 0 }]] };
		previous = stepName;
	});
	return { id, name, active: false, settings: {}, nodes, connections };
}

/**
 * The trigger with one output per status (picture 3): the repository's example 2, with the credential
 * and the CRM address swapped for local ones.
 */
export function routedTrigger(repo, id, { crmUrl }) {
	const text = readFileSync(
		join(repo, 'examples', '02-crm-follow-up-per-status.json'),
		'utf8',
	).replaceAll('https://crm.example.com', crmUrl);
	const workflow = JSON.parse(text);
	for (const node of workflow.nodes)
		if (node.credentials?.inbankApi) node.credentials.inbankApi = CREDENTIAL;
	return { ...workflow, id, active: false };
}

const WORKFLOW_IDS = {
	create: 'shotsCreate0001',
	invalid: 'shotsInvalid001',
	lifecycle: 'shotsLifecycle1',
	trigger: 'shotsTrigger001',
};

export function workflows(repo, packageName, { crmUrl }) {
	return [
		chain(packageName, WORKFLOW_IDS.create, 'Inbank: create a Smart Rent session', [
			['Create POS session', CREATE_PARAMETERS],
		]),
		chain(packageName, WORKFLOW_IDS.invalid, 'Inbank: a request the node refuses', [
			['Create POS session', INVALID_CREATE_PARAMETERS],
		]),
		chain(
			packageName,
			WORKFLOW_IDS.lifecycle,
			'Inbank: conditions, price, session',
			LIFECYCLE_STEPS,
		),
		routedTrigger(repo, WORKFLOW_IDS.trigger, { crmUrl }),
	];
}

/**
 * What each picture opens and waits for, by the names n8n shows (nodes) and stores (parameters): the
 * script reads these, so a renamed node or parameter changes this file only.
 */
export const SHOTS = {
	createForm: {
		workflow: WORKFLOW_IDS.create,
		node: 'Create POS session',
		collection: 'assets',
		lastField: 'categoryCode',
	},
	credential: { lastField: 'defaultProductCode' },
	credentialUnreachable: { id: UNREACHABLE_CREDENTIAL.id, notice: 'unreachableNotice' },
	triggerRouted: { workflow: WORKFLOW_IDS.trigger },
	triggerPanel: {
		workflow: WORKFLOW_IDS.trigger,
		node: 'Inbank Smart Rent Trigger',
		field: 'routeByStatus',
	},
	// A granted test event into the routed trigger (picture 3c): the output opens on another branch.
	triggerTestEvent: { workflow: WORKFLOW_IDS.trigger, node: 'Inbank Smart Rent Trigger', status: 'granted' },
	validationError: { workflow: WORKFLOW_IDS.invalid, node: 'Create POS session' },
	lifecycle: { workflow: WORKFLOW_IDS.lifecycle },
};
