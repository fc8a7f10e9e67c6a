// Every Smart Rent endpoint: asset conditions, calculation, the rental contract (both path forms),
// asset identifiers (hero device only, IMEI Luhn, state), activation (422 lists), merchant approval, cancel.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { GALAXY, IMEI, IPHONE, order, PRODUCT, rental, testSandbox } from './helpers.mjs';

const R = `/rental/products/${PRODUCT}`;

describe('Smart Rent endpoints', () => {
	let t;
	before(async () => (t = await testSandbox()));
	after(() => t.close());

	describe('GET detailed-asset-model', () => {
		it('finds a model by EAN or manufacturer product code', async () => {
			const byEan = await t.api('GET', `${R}/detailed-asset-model?identifierType=EAN&identifier=0195949036965`);
			assert.equal(byEan.status, 200);
			assert.deepEqual(byEan.body, {
				id: IPHONE,
				name: 'Apple iPhone 15 128GB',
				periods: [12, 24, 36],
				assetIdentifierTypes: ['IMEI', 'SERIAL_NUMBER'],
				identifiers: [
					{ identifierType: 'EAN', identifier: '0195949036965' },
					{ identifierType: 'MANUFACTURER_PRODUCT_CODE', identifier: 'MTP03QN/A' },
				],
				// Gross limits in the shop's VAT (Estonia, 24 %).
				subscriptionTotalLimits: { minNetPrice: 300, maxNetPrice: 2500, minGrossPrice: 372, maxGrossPrice: 3100 },
				insuranceRequirement: 'OPTIONAL',
			});
			const byCode = await t.api('GET', `${R}/detailed-asset-model?identifierType=MANUFACTURER_PRODUCT_CODE&identifier=${encodeURIComponent(' sm-s921bzkgeue ')}`);
			assert.deepEqual([byCode.status, byCode.body.id, byCode.body.assetIdentifierTypes], [200, GALAXY, ['IMEI']]);
		});
		it('404 ASSET_MODEL_NOT_FOUND for an unknown device; 400 naming a missing or bad query parameter', async () => {
			const missing = await t.api('GET', `${R}/detailed-asset-model?identifierType=EAN&identifier=4000000000000`);
			assert.equal(missing.status, 404);
			assert.equal(missing.body.errorCode, 'ASSET_MODEL_NOT_FOUND');
			assert.equal(typeof missing.body.message, 'string');
			const bad = await t.api('GET', `${R}/detailed-asset-model?identifierType=SKU`);
			assert.deepEqual([bad.status, bad.body.errorCode, bad.body.errors.map((e) => e.field)], [400, 'VALIDATION_ERROR', ['identifierType', 'identifier']]);
			assert.deepEqual((await t.api('GET', `${R}/detailed-asset-model?identifier=1`)).body.errors, [{ field: 'identifierType', message: 'is required (EAN or MANUFACTURER_PRODUCT_CODE)' }]);
		});
	});

	describe('POST calculations', () => {
		const assets = [{ type: 'MODEL_BASED', modelId: IPHONE, modelName: 'iPhone', netPrice: 1000 }];
		it('answers the documented formula (insurance by default, gross price as given or net + VAT)', async () => {
			const res = await t.api('POST', `${R}/calculations`, { period: 24, assets });
			assert.equal(res.status, 200);
			// gross 1240; financed 1240; 1240 × 0.85 / 24 + 1240 × 0.004 = 43.916… + 4.96 = 48.88
			assert.deepEqual(res.body, {
				period: 24,
				insuranceUsed: true,
				grossTradeInAmount: 0,
				grossCampaignDiscount: 0,
				totalNetPrice: 1000,
				totalGrossPrice: 1240,
				rentalSchedule: { grossMonthlyPayment: 48.88, vat: 9.46, netMonthlyPayment: 39.42 },
			});
			const noInsurance = await t.api('POST', `${R}/calculations`, { period: 12, insuranceUsed: false, grossTradeInAmount: 200, grossCampaignDiscount: 40, assets: [{ ...assets[0], grossPrice: 1200 }, { categoryCode: 'add_on', modelName: 'Case', netPrice: 20 }] });
			// gross 1200 + 24.8 = 1224.8; financed 984.8; 984.8 × 0.85 / 12 = 69.76
			assert.deepEqual([noInsurance.body.totalGrossPrice, noInsurance.body.rentalSchedule.grossMonthlyPayment, noInsurance.body.rentalSchedule.netMonthlyPayment], [1224.8, 69.76, 56.26]);
		});
		it('validates like create, with the field names of the calculation body', async () => {
			const bad = await t.api('POST', `${R}/calculations`, { period: 7, insuranceUsed: 'yes', assets: [{ modelName: 'x', netPrice: '5' }], extra: 1 });
			assert.equal(bad.status, 400);
			assert.deepEqual(bad.body.errors.map((e) => `${e.field} ${e.message}`), [
				'extra is not an allowed key (allowed: period, insuranceUsed, assets, grossTradeInAmount, grossCampaignDiscount)',
				'period must be one of 12, 24, 36 for this product',
				'insuranceUsed must be a boolean (true or false)',
				'assets[0].type the hero device (first asset) must be MODEL_BASED (a missing type means CATEGORY_BASED)',
				'assets[0].netPrice must be a JSON number (not a string)',
				'assets[0].modelId is required for the hero device (first asset)',
			]);
			assert.deepEqual((await t.api('POST', `${R}/calculations`, undefined, { raw: 'nope' })).body.errors, [{ field: 'body', message: 'is not valid JSON' }]);
		});
	});

	describe('the rental contract', () => {
		it('GET under rental/products/{code} and under the shop: the documented fields', async () => {
			const { session, contractUuid } = await t.granted(order(undefined, { rentalApplicationData: rental(1000, { grossTradeInAmount: 100, insuranceUsed: false }) }));
			const rentalView = await t.api('GET', `${R}/contracts/${contractUuid}`);
			assert.equal(rentalView.status, 200);
			const c = rentalView.body;
			for (const key of ['status', 'uuid', 'referenceNumber', 'activatedAt', 'activatorName', 'productCode', 'partnerApprovalAt', 'customerUuid', 'details']) assert.ok(key in c, key);
			assert.deepEqual([c.status, c.uuid, c.productCode, c.activatedAt, c.partnerApprovalAt, c.posSessionUuid], ['signed', contractUuid, PRODUCT, null, null, session.uuid]);
			assert.match(c.referenceNumber, /^SR-\d+$/);
			assert.deepEqual(Object.keys(c.details).sort(), ['grossCampaignDiscount', 'grossTradeInAmount', 'insuranceUsed', 'rentalSchedule', 'totalGrossPrice', 'totalNetPrice']);
			assert.deepEqual([c.details.grossTradeInAmount, c.details.totalNetPrice, c.details.totalGrossPrice, c.details.insuranceUsed], [100, 1000, 1240, false]);
			assert.deepEqual(Object.keys(c.details.rentalSchedule), ['grossMonthlyPayment', 'vat', 'netMonthlyPayment']);
			assert.deepEqual((await t.api('GET', `/contracts/${contractUuid}`)).body, c);
			// Under another product it does not exist.
			const other = await testSandbox({ products: [{ code: PRODUCT }, { code: 'smart_rent_other', periods: [24] }] });
			try {
				const g = await other.granted(order());
				assert.equal((await other.api('GET', `/rental/products/smart_rent_other/contracts/${g.contractUuid}`)).status, 404);
				assert.equal((await other.api('GET', `/rental/products/${PRODUCT}/contracts/${g.contractUuid}`)).status, 200);
			} finally {
				await other.close();
			}
		});

		it('PATCH asset-identifiers: 204, replaced on a second call, shown on the contract', async () => {
			const { contractUuid } = await t.granted(order());
			const patch = (assetIdentifiers) => t.api('PATCH', `${R}/contracts/${contractUuid}/asset-identifiers`, { assetIdentifiers });
			assert.equal((await patch([{ identifierType: 'SERIAL_NUMBER', identifier: 'F2LXK0ABCD' }])).status, 204);
			const both = [{ identifier: IMEI, identifierType: 'IMEI' }, { identifier: 'F2LXK0ABCD', identifierType: 'SERIAL_NUMBER' }];
			const res = await patch(both);
			assert.deepEqual([res.status, res.text], [204, '']);
			assert.deepEqual((await t.api('GET', `${R}/contracts/${contractUuid}`)).body.assetIdentifiers, both);
		});

		it('PATCH asset-identifiers: 400 CONSTRAINTS_VIOLATED_GENERAL when it breaks the rules', async () => {
			const { contractUuid } = await t.granted(order());
			const refusal = async (body, uuid = contractUuid) => {
				const res = await t.api('PATCH', `${R}/contracts/${uuid}/asset-identifiers`, body);
				assert.equal(res.status, 400, res.text);
				assert.equal(res.body.errorCode, 'CONSTRAINTS_VIOLATED_GENERAL');
				return res.body.errors ? res.body.errors.map((e) => `${e.field} ${e.message}`) : res.body.message;
			};
			assert.deepEqual(await refusal({ assetIdentifiers: [{ identifierType: 'IMEI', identifier: '35693803564380' }] }), ['assetIdentifiers[0].identifier an IMEI has exactly 15 digits']);
			assert.deepEqual(await refusal({ assetIdentifiers: [{ identifierType: 'IMEI', identifier: '356938035643808' }] }), ['assetIdentifiers[0].identifier is not a valid IMEI (Luhn check digit)']);
			assert.deepEqual(await refusal({ assetIdentifiers: [{ identifierType: 'IMEI', identifier: IMEI }, { identifierType: 'IMEI', identifier: '490154203237518' }] }), [
				'assetIdentifiers[1].identifierType IMEI appears twice (also assetIdentifiers[0]): identifiers are for the hero device only',
			]);
			assert.deepEqual(await refusal({ assetIdentifiers: [] }), ['assetIdentifiers must hold at least one identifier of the hero device']);
			assert.deepEqual(await refusal({}), ['assetIdentifiers is required']);
			assert.deepEqual(await refusal(undefined), ['body must be a JSON object']);
			// The Galaxy S24 uses IMEI only: a serial number is not its hero device's.
			const galaxy = await t.granted(order(undefined, { rentalApplicationData: { assets: [{ type: 'MODEL_BASED', modelId: GALAXY, modelName: 'Galaxy', netPrice: 400 }], period: 24 } }));
			assert.deepEqual(await refusal({ assetIdentifiers: [{ identifierType: 'SERIAL_NUMBER', identifier: 'R5CX' }] }, galaxy.contractUuid), ["assetIdentifiers[0].identifierType is not used by the hero device's model (it uses IMEI)"]);
			// Wrong state: once the contract is cancelled (or activated) its identifiers are fixed.
			await t.api('POST', `/contracts/${galaxy.contractUuid}/cancel`);
			assert.equal(await refusal({ assetIdentifiers: [{ identifierType: 'IMEI', identifier: IMEI }] }, galaxy.contractUuid), 'contract is cancelled; its asset identifiers can no longer change');
		});

		it('POST activation: 422 lists of {errorCode, message}; 204 activates the contract and completes the session', async () => {
			const { session, contractUuid } = await t.granted(order());
			const activate = () => t.api('POST', `${R}/contracts/${contractUuid}/activation`);
			const early = await activate();
			assert.equal(early.status, 422);
			assert.deepEqual(early.body, [{ errorCode: 'ASSET_IDENTIFIERS_MISSING', message: 'register the hero device identifiers (PATCH asset-identifiers) before activation' }]);
			await t.api('PATCH', `${R}/contracts/${contractUuid}/asset-identifiers`, { assetIdentifiers: [{ identifierType: 'IMEI', identifier: IMEI }] });
			const res = await activate();
			assert.deepEqual([res.status, res.text], [204, '']);
			const contract = (await t.api('GET', `${R}/contracts/${contractUuid}`)).body;
			assert.equal(contract.status, 'activated');
			assert.ok(Date.parse(contract.activatedAt) <= Date.now());
			assert.equal(contract.activatorName, 'Sandbox Shop (partner API)');
			assert.equal((await t.getSession(session.uuid)).status, 'completed');
			assert.deepEqual((await activate()).body.map((e) => e.errorCode), ['CONTRACT_NOT_ACTIVATABLE']);
			const late = await t.api('POST', `/contracts/${contractUuid}/cancel`);
			assert.deepEqual([late.status, late.body.errorCode, late.body.message], [409, 'CONSTRAINTS_VIOLATED_GENERAL', 'contract is activated; it cannot be cancelled']);
			assert.equal((await t.api('PATCH', `${R}/contracts/${contractUuid}/asset-identifiers`, { assetIdentifiers: [{ identifierType: 'IMEI', identifier: IMEI }] })).status, 400);
		});

		it('422 ASSET_MODEL_NOT_FOUND when the hero modelId is not in the catalogue', async () => {
			const { contractUuid } = await t.granted(order(undefined, { rentalApplicationData: { assets: [{ type: 'MODEL_BASED', modelId: 'unknown-model', modelName: 'Mystery phone', netPrice: 300 }], period: 12 } }));
			await t.api('PATCH', `${R}/contracts/${contractUuid}/asset-identifiers`, { assetIdentifiers: [{ identifierType: 'IMEI', identifier: IMEI }] });
			const res = await t.api('POST', `${R}/contracts/${contractUuid}/activation`);
			assert.deepEqual([res.status, res.body.map((e) => e.errorCode)], [422, ['ASSET_MODEL_NOT_FOUND']]);
		});

		it('merchant approval: 204 and partnerApprovalAt; required before activation with requireMerchantApproval', async () => {
			const strict = await testSandbox({ requireMerchantApproval: true });
			try {
				const { contractUuid } = await strict.granted(order());
				await strict.api('PATCH', `${R}/contracts/${contractUuid}/asset-identifiers`, { assetIdentifiers: [{ identifierType: 'IMEI', identifier: IMEI }] });
				const refused = await strict.api('POST', `${R}/contracts/${contractUuid}/activation`);
				assert.deepEqual([refused.status, refused.body.map((e) => e.errorCode)], [422, ['MERCHANT_APPROVAL_REQUIRED']]);
				const approved = await strict.api('POST', `/contracts/${contractUuid}/merchant-approval`);
				assert.deepEqual([approved.status, approved.text], [204, '']);
				const contract = (await strict.api('GET', `/contracts/${contractUuid}`)).body;
				assert.equal(contract.status, 'approved');
				assert.ok(contract.partnerApprovalAt);
				assert.equal((await strict.api('POST', `/contracts/${contractUuid}/merchant-approval`)).status, 204, 'approving twice is harmless');
				assert.equal((await strict.api('POST', `${R}/contracts/${contractUuid}/activation`)).status, 204);
			} finally {
				await strict.close();
			}
		});

		it('cancel: 204, the contract and its session are cancelled', async () => {
			const { session, contractUuid } = await t.granted(order());
			const res = await t.api('POST', `/contracts/${contractUuid}/cancel`);
			assert.deepEqual([res.status, res.text], [204, '']);
			assert.equal((await t.api('GET', `/contracts/${contractUuid}`)).body.status, 'cancelled');
			assert.equal((await t.getSession(session.uuid)).status, 'cancelled');
			assert.equal((await t.api('POST', `/contracts/${contractUuid}/cancel`)).status, 409);
		});
	});
});
