// The workloads the benchmark and the profile scripts share, so that a profile looks at what the bench measures:
// the Create POS Session variants (our node, the HTTP Request node) and the callback workflows.
import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { API_KEY, credentials, PACKAGE_NAME, PACKAGE_VERSION: version, SHOP_UUID } = require('../../../test/support/fixtures.js');

export const KEY = API_KEY;
export const SHOP = SHOP_UUID;
export const CREDENTIAL = { id: 'inbankBench0001', name: 'Inbank bench' };
/** The Inbank credential's data, pointing at `baseUrl` when given. */
export const credentialData = (baseUrl) => credentials(baseUrl);

// ---- create ----
export const bodyOf = (i) => ({
	productCode: 'smart_rent_bench',
	currency: 'EUR',
	locale: 'et-EE',
	purchase: { purchaseReference: String(i), description: `Order ${i}` },
	rentalApplicationData: {
		insuranceUsed: true,
		assets: [{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'iPhone 15', netPrice: 449 }],
		period: 24,
	},
	integrationInfo: { ecom_platform: 'n8n', Module: `${PACKAGE_NAME}@${version}` },
});

/** Manual start → a Code node making `count` items ({ i }) → the node under test, named Target. */
export function itemsWorkflow(id, target, count) {
	const start = { id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
	const items = {
		id: 'items',
		name: 'Items',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [200, 0],
		parameters: { jsCode: `return Array.from({ length: ${count} }, (_, i) => ({ json: { i } }));` },
	};
	return {
		id,
		name: id,
		active: false,
		settings: { saveDataSuccessExecution: 'none' },
		nodes: [start, items, { ...target, name: 'Target', position: [400, 0] }],
		connections: { Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] }, Items: { main: [[{ node: 'Target', type: 'main', index: 0 }]] } },
	};
}

/** Inbank Smart Rent → Create POS Session with these input parameters, Concurrency and no retries. */
const createNode = (concurrency, input) => ({
	id: 'target',
	type: `${PACKAGE_NAME}.inbankSmartRent`,
	typeVersion: 1,
	credentials: { inbankApi: CREDENTIAL },
	parameters: { resource: 'posSession', operation: 'create', ...input, options: { concurrency, retries: 0 } },
});

/** Fields mode: the fields that vary per item as two expressions. */
export function ourNode(concurrency) {
	return createNode(concurrency, {
		productCode: 'smart_rent_bench',
		locale: 'et-EE',
		period: 24,
		assets: { asset: [{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'iPhone 15', netPrice: 449 }] },
		purchaseDescription: '={{ "Order " + $json.i }}',
		purchaseReference: '={{ String($json.i) }}',
	});
}

// The body as one n8n expression, the way an HTTP Request user writes it (and our node's JSON mode takes it).
export function bodyExpression() {
	const body = JSON.stringify(bodyOf('__I__'))
		.replace('"purchaseReference":"__I__"', '"purchaseReference":String($json.i)')
		.replace('"description":"Order __I__"', '"description":"Order " + $json.i')
		// n8n's expression syntax ends at the first "}}": keep nested objects' braces apart.
		.replace(/\}\}/g, '} }')
		.replace(/\}\}/g, '} }');
	return `={{ JSON.stringify(${body}) }}`;
}

/** JSON mode: the whole body as one expression, as the HTTP Request node gets it. */
export function ourJsonNode(concurrency) {
	return createNode(concurrency, { inputMode: 'json', requestBody: bodyExpression() });
}

export function httpNode(url, batching, { headerAuthCredential } = {}) {
	return {
		id: 'target',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		...(headerAuthCredential ? { credentials: { httpHeaderAuth: headerAuthCredential } } : {}),
		parameters: {
			method: 'POST',
			url,
			...(headerAuthCredential
				? { authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth' }
				: { sendHeaders: true, headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${KEY}` }] } }),
			sendBody: true,
			specifyBody: 'json',
			jsonBody: bodyExpression(),
			options: batching ? { batching: { batch: batching } } : {},
		},
	};
}


// ---- callbacks ----
export const HMAC_CODE = `const crypto = require('crypto');
const { hmac, timestamp, message } = $json.body;
const expected = crypto.createHmac('sha512', 'KEY').update(timestamp + '.' + message).digest('hex');
const a = Buffer.from(String(hmac), 'hex');
const b = Buffer.from(expected, 'hex');
if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) throw new Error('bad signature');
if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) throw new Error('stale');
const { uuid, status } = JSON.parse(message);
return [{ json: { uuid, status } }];`.replace('KEY', KEY);

const noop = (x) => ({ id: `noop${x}`, name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [x, 0], parameters: {} });

/**
 * n8n's Remove Duplicates node keeping what it has seen across executions in n8n's processed-data store,
 * keyed as the trigger keys a delivery (session uuid + status), at its defaults (node scope, 10,000 kept).
 */
const removeDuplicates = {
	id: 'd',
	name: 'Remove Duplicates',
	type: 'n8n-nodes-base.removeDuplicates',
	typeVersion: 2,
	position: [500, 0],
	parameters: { operation: 'removeItemsSeenInPreviousExecutions', dedupeValue: '={{ $json.uuid + "/" + $json.status }}', options: {} },
};

/**
 * The published workflow that takes signed callbacks: `trigger` (Inbank Smart Rent Trigger → No-op),
 * `webhook` (Webhook node → Code node checking the same HMAC → No-op, what a user builds without this package)
 * or `dedupe` (the same with n8n's Remove Duplicates before the No-op: what a user builds for the trigger's
 * guarantee that a repeated delivery does not run again).
 */
export function callbackWorkflow(which, id, webhookId, { triggerParameters = {} } = {}) {
	if (which === 'trigger') {
		return {
			id,
			name: id,
			active: false,
			settings: {},
			nodes: [
				{ id: 't', name: 'Trigger', type: `${PACKAGE_NAME}.inbankSmartRentTrigger`, typeVersion: 2, position: [0, 0], webhookId, credentials: { inbankApi: CREDENTIAL }, parameters: { fetchSession: false, ...triggerParameters } },
				noop(250),
			],
			connections: { Trigger: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		};
	}
	const dedupe = which === 'dedupe';
	return {
		id,
		name: id,
		active: false,
		settings: {},
		nodes: [
			{ id: 'w', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId, parameters: { httpMethod: 'POST', path: webhookId, responseMode: 'onReceived', options: {} } },
			{ id: 'c', name: 'Verify HMAC', type: 'n8n-nodes-base.code', typeVersion: 2, position: [250, 0], parameters: { mode: 'runOnceForAllItems', jsCode: HMAC_CODE } },
			...(dedupe ? [removeDuplicates, noop(750)] : [noop(500)]),
		],
		connections: {
			Webhook: { main: [[{ node: 'Verify HMAC', type: 'main', index: 0 }]] },
			'Verify HMAC': { main: [[{ node: dedupe ? 'Remove Duplicates' : 'Done', type: 'main', index: 0 }]] },
			...(dedupe ? { 'Remove Duplicates': { main: [[{ node: 'Done', type: 'main', index: 0 }]] } } : {}),
		},
	};
}

/** The production URL path of that workflow's webhook. */
export const callbackPath = (which, webhookId) => (which === 'trigger' ? `${webhookId}/callback` : webhookId);

/** A freshly signed callback (by default for a new session uuid, status granted) as Inbank's form body. */
export function signedCallback(uuid = randomUUID()) {
	const timestamp = String(Math.floor(Date.now() / 1000));
	const message = JSON.stringify({ uuid, status: 'granted' });
	const hmac = createHmac('sha512', KEY).update(`${timestamp}.${message}`).digest('hex');
	return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ hmac, timestamp, message }) };
}
