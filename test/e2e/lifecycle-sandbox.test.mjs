// Every lifecycle operation of the Inbank Smart Rent node in a real n8n against the local Inbank
// sandbox (which validates like Inbank documents): conditions, calculation, create, get, identifiers,
// merchant approval, activation, contract, cancel, and the sandbox's refusals as NodeApiErrors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { DEFAULT_SHOP, startSandbox } from '../../sandbox/server.mjs';
import { createSandboxSession, sandboxControl, sandboxCredential } from './lib/flow.mjs';
import { chainWorkflow, N8n, nodeError, nodeOutput, orderStartSteps } from './lib/n8n.mjs';

const CREDENTIAL = { id: 'inbankLifeSbx01', name: 'Inbank sandbox' };
const PRODUCT = 'smart_rent_demo';


const item = (run, name) => nodeOutput(run.execution, name)?.[0]?.json;

describe('lifecycle operations against the Inbank sandbox in a real n8n', { timeout: 900_000 }, () => {
	let n8n;
	let sandbox;
	const control = (method, path, body) => sandboxControl(sandbox.url, method, path, body);

	before(async () => {
		sandbox = await startSandbox({ port: 0, requireMerchantApproval: true });
		n8n = await N8n.create();
		await n8n.importCredentials([
			sandboxCredential(CREDENTIAL, sandbox.url),
		]);
	});
	after(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('conditions → calculate → create, then get → identifiers → merchant approval → activate → contract', async () => {
		await n8n.importWorkflows([
			chainWorkflow(
				'sbxOrderStart01',
				orderStartSteps(PRODUCT, { netPrice: 449, modelName: 'iPhone 15', create: { purchaseDescription: 'Sandbox order', purchaseReference: 'SBX-1' } }),
				CREDENTIAL,
			),
		]);
		const first = await n8n.execute('sbxOrderStart01');
		assert.equal(first.ok, true, first.output.slice(-3000));
		assert.equal(item(first, 'Get asset conditions').modelId, 'apple-iphone-15-128');
		assert.ok(item(first, 'Calculate rent').rentalSchedule.grossMonthlyPayment > 0);
		const session = item(first, 'Create POS session');
		assert.equal(session.status, 'pending');

		await control('POST', `/sessions/${session.uuid}/state`, { status: 'granted' });
		await n8n.importWorkflows([
			chainWorkflow('sbxOrderFinish1', [
				['Get POS session', { resource: 'posSession', operation: 'get', sessionUuid: session.uuid }],
				['Update asset identifiers', { resource: 'contract', operation: 'updateAssetIdentifiers', productCode: '={{ $json.productCode }}', assetIdentifiers: { identifier: [{ identifierType: 'IMEI', identifier: '356938035643809' }] } }],
				['Approve contract', { resource: 'contract', operation: 'approve' }],
				['Activate contract', { resource: 'contract', operation: 'activate', productCode: PRODUCT }],
				['Get contract', { resource: 'contract', operation: 'get', productCode: PRODUCT }],
				['Get POS session again', { resource: 'posSession', operation: 'get', sessionUuid: session.uuid }],
			], CREDENTIAL),
		]);
		const second = await n8n.execute('sbxOrderFinish1');
		assert.equal(second.ok, true, second.output.slice(-3000));
		assert.equal(item(second, 'Get POS session').status, 'granted');
		assert.equal(item(second, 'Approve contract').action, 'merchantApproved');
		assert.equal(item(second, 'Activate contract').action, 'activated');
		assert.equal(item(second, 'Get contract').status, 'activated');
		assert.equal(item(second, 'Get contract').activated, true);
		assert.equal(item(second, 'Get POS session again').paid, true);
	});

	it('cancel moves a granted contract and its session to cancelled', async () => {
		const created = await createSandboxSession(sandbox.url, { productCode: PRODUCT, currency: 'EUR', locale: 'et-EE', purchase: { description: 'x' }, rentalApplicationData: { assets: [{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'X', netPrice: 300 }], period: 12 } });
		await control('POST', `/sessions/${created.uuid}/state`, { status: 'granted' });
		await n8n.importWorkflows([
			chainWorkflow('sbxCancel000001', [
				['Get POS session', { resource: 'posSession', operation: 'get', sessionUuid: created.uuid }],
				['Cancel', { resource: 'contract', operation: 'cancel' }],
				['Get POS session again', { resource: 'posSession', operation: 'get', sessionUuid: created.uuid }],
			], CREDENTIAL),
		]);
		const run = await n8n.execute('sbxCancel000001');
		assert.equal(run.ok, true, run.output.slice(-3000));
		assert.equal(item(run, 'Cancel').action, 'cancelled');
		assert.equal(item(run, 'Get POS session again').status, 'cancelled');
	});

	it("the sandbox's refusals arrive as field-naming NodeApiErrors", async () => {
		await n8n.importWorkflows([
			chainWorkflow('sbxRefusals0001', [
				['Get asset conditions', { resource: 'rentalProduct', operation: 'getAssetConditions', productCode: PRODUCT, identifierType: 'EAN', identifier: '4000000000000' }],
			], CREDENTIAL),
			chainWorkflow('sbxRefusals0002', [
				['Calculate rent', { resource: 'rentalProduct', operation: 'calculateRent', productCode: PRODUCT, period: 18, assets: { asset: [{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'X', netPrice: 449 }] } }],
			], CREDENTIAL),
		]);
		const missing = await n8n.execute('sbxRefusals0001');
		assert.equal(missing.ok, false);
		assert.match(JSON.stringify(nodeError(missing.execution, 'Get asset conditions')), /HTTP 404.*ASSET_MODEL_NOT_FOUND/);
		const period = await n8n.execute('sbxRefusals0002');
		assert.equal(period.ok, false);
		assert.match(JSON.stringify(nodeError(period.execution, 'Calculate rent')), /HTTP 400\): \\"period must be one of 12, 24, 36 for this product\\"/);
		assert.equal(n8n.log().includes(DEFAULT_SHOP.apiKey), false);
	});
});
