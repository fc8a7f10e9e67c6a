// The whole Smart Rent lifecycle from one node type in a real n8n, chained the way a merchant would
// chain it (identifier fields keep their defaults, which read the previous step), against a local
// stand-in for Inbank that records every request.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';

import { chainWorkflow, N8n, nodeError, nodeOutput, orderStartSteps } from './lib/n8n.mjs';

const require = createRequire(import.meta.url);
const { startRecorder } = require('../support/http-recorder.js');

const { API_KEY: KEY, credentials, SHOP_UUID: SHOP } = require('../support/fixtures.js');
const CREDENTIAL = { id: 'inbankLife00001', name: 'Inbank stand-in' };
const SESSION = '5e3a459a-aada-4d81-b6ad-09cb9483c8bf';
const CONTRACT = '9c1f7f9e-3b7a-4c55-9d0e-5f1a2b3c4d5e';
const PRODUCT = 'smart_rent_ee';
const P = `/partner/v3/shops/${SHOP}`;
const R = `${P}/rental/products/${PRODUCT}`;

function answer(request) {
	if (request.headers.authorization !== `Bearer ${KEY}`) return { status: 401, body: { message: 'unauthorized' } };
	const route = `${request.method} ${request.path}`;
	switch (route) {
		case `GET ${R}/detailed-asset-model`:
			return { status: 200, body: { id: 'apple-iphone-15-128', name: 'iPhone 15 128GB', periods: [12, 24, 36], assetIdentifierTypes: ['IMEI'] } };
		case `POST ${R}/calculations`:
			return { status: 200, body: { grossMonthlyPayment: 39.99, netMonthlyPayment: 32.78, vat: 7.21 } };
		case `POST ${P}/pos-sessions`:
			return { status: 201, body: { uuid: SESSION, status: 'pending', redirectUrl: `http://127.0.0.1/session/${SESSION}` } };
		case `GET ${P}/pos-sessions/${SESSION}`:
			return { status: 200, body: { uuid: SESSION, status: 'granted', productCode: PRODUCT, creditContractUuid: CONTRACT } };
		case `PATCH ${R}/contracts/${CONTRACT}/asset-identifiers`:
		case `POST ${R}/contracts/${CONTRACT}/activation`:
		case `POST ${P}/contracts/${CONTRACT}/merchant-approval`:
		case `POST ${P}/contracts/${CONTRACT}/cancel`:
			return { status: 204 };
		case `GET ${R}/contracts/${CONTRACT}`:
			return { status: 200, body: { uuid: CONTRACT, status: 'activated', referenceNumber: 'SR-0001' } };
		default:
			return { status: 404, body: { message: 'not_found' } };
	}
}



const ORDER = chainWorkflow('lifecycleOrder1', [
	...orderStartSteps(PRODUCT, { netPrice: 799.9, modelName: 'iPhone 15 128GB', create: { purchaseDescription: 'Order 2001' } }),
	['Get POS session', { resource: 'posSession', operation: 'get' }],
	[
		'Update asset identifiers',
		{ resource: 'contract', operation: 'updateAssetIdentifiers', productCode: PRODUCT, assetIdentifiers: { identifier: [{ identifierType: 'IMEI', identifier: '356938035643809' }] } },
	],
	['Activate contract', { resource: 'contract', operation: 'activate', productCode: PRODUCT }],
	['Get contract', { resource: 'contract', operation: 'get', productCode: PRODUCT, contractUuid: CONTRACT }],
], CREDENTIAL);

const CONTRACT_ACTIONS = chainWorkflow('lifecycleActns1', [
	['Approve contract', { resource: 'contract', operation: 'approve', contractUuid: CONTRACT }],
	['Cancel', { resource: 'contract', operation: 'cancel' }],
], CREDENTIAL);

const BAD_IMEI = chainWorkflow('lifecycleBadIm1', [
	['Update asset identifiers', { resource: 'contract', operation: 'updateAssetIdentifiers', productCode: PRODUCT, contractUuid: CONTRACT, assetIdentifiers: { identifier: [{ identifierType: 'IMEI', identifier: '123' }] } }],
], CREDENTIAL);

describe('Smart Rent lifecycle in a real n8n', { timeout: 900_000 }, () => {
	let n8n;
	let inbank;

	before(async () => {
		inbank = await startRecorder(answer);
		n8n = await N8n.create();
		await n8n.importCredentials([
			{ ...CREDENTIAL, type: 'inbankApi', data: credentials(inbank.baseUrl) },
		]);
		await n8n.importWorkflows([ORDER, CONTRACT_ACTIONS, BAD_IMEI]);
	});

	after(async () => {
		await n8n?.stop();
		await inbank?.close();
	});

	it('runs conditions → calculate → create → get → identifiers → activate → contract with default identifiers', async () => {
		inbank.requests.length = 0;
		const run = await n8n.execute('lifecycleOrder1');
		assert.equal(run.ok, true, run.output.slice(-3000));
		assert.deepEqual(
			inbank.requests.map((r) => `${r.method} ${r.url}`),
			[
				`GET ${R}/detailed-asset-model?identifierType=EAN&identifier=0195949036965`,
				`POST ${R}/calculations`,
				`POST ${P}/pos-sessions`,
				`GET ${P}/pos-sessions/${SESSION}`,
				`PATCH ${R}/contracts/${CONTRACT}/asset-identifiers`,
				`POST ${R}/contracts/${CONTRACT}/activation`,
				`GET ${R}/contracts/${CONTRACT}`,
			],
		);
		assert.deepEqual(inbank.requests[1].json, {
			period: 24,
			insuranceUsed: true,
			assets: [{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'iPhone 15 128GB', netPrice: 799.9 }],
		});
		assert.equal(inbank.requests[2].json.rentalApplicationData.assets[0].modelId, 'apple-iphone-15-128');
		assert.deepEqual(inbank.requests[4].json, { assetIdentifiers: [{ identifier: '356938035643809', identifierType: 'IMEI' }] });
		assert.equal(inbank.requests[5].rawBody, '');
		assert.equal(nodeOutput(run.execution, 'Get POS session')[0].json.paid, false);
		assert.deepEqual(nodeOutput(run.execution, 'Activate contract')[0].json, {
			success: true,
			action: 'activated',
			contractUuid: CONTRACT,
			httpCode: 204,
		});
		assert.equal(nodeOutput(run.execution, 'Get contract')[0].json.activated, true);
	});

	it('merchant approval and cancel answer 204 with clear items', async () => {
		inbank.requests.length = 0;
		const run = await n8n.execute('lifecycleActns1');
		assert.equal(run.ok, true, run.output.slice(-3000));
		assert.deepEqual(
			inbank.requests.map((r) => `${r.method} ${r.path}`),
			[`POST ${P}/contracts/${CONTRACT}/merchant-approval`, `POST ${P}/contracts/${CONTRACT}/cancel`],
		);
		assert.equal(nodeOutput(run.execution, 'Approve contract')[0].json.action, 'merchantApproved');
		assert.equal(nodeOutput(run.execution, 'Cancel')[0].json.action, 'cancelled');
	});

	it('an invalid IMEI is refused with the field named, nothing sent', async () => {
		inbank.requests.length = 0;
		const run = await n8n.execute('lifecycleBadIm1');
		assert.equal(run.ok, false);
		assert.equal(inbank.requests.length, 0);
		assert.match(JSON.stringify(nodeError(run.execution, 'Update asset identifiers') ?? run.output), /Asset Identifiers → Identifier \(assetIdentifiers\[0\]\.identifier\): must be an IMEI of 15 digits/);
		assert.equal(n8n.log().includes(KEY), false);
	});
});
