// POST pos-sessions validation, rule by rule as Inbank's Session Initiation page documents it: 400
// { message, errorCode: 'VALIDATION_ERROR', errors: [{ field, message }] } naming each field.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';

import { IPHONE, LV_SHOP, order, testSandbox } from './helpers.mjs';

const require = createRequire(import.meta.url);
const rules = require('../lib/validate.cjs');

const hero = { type: 'MODEL_BASED', modelId: IPHONE, modelName: 'Apple iPhone 15', netPrice: 400 };
const withAssets = (assets, extra = {}) => order(undefined, { rentalApplicationData: { assets, period: 24, ...extra } });

describe('POST pos-sessions validation', () => {
	let t;
	before(async () => (t = await testSandbox({ extraCategoryCodes: ['warranty'] })));
	after(() => t.close());

	/** The problems of a refused body as "field message" lines (asserting the 400 shape). */
	const problems = async (body, opts) => {
		const res = await t.api('POST', '/pos-sessions', body, opts);
		assert.equal(res.status, 400, res.text);
		assert.equal(res.body.errorCode, 'VALIDATION_ERROR');
		assert.equal(typeof res.body.message, 'string');
		assert.ok(res.body.message.startsWith(`${res.body.errors[0].field} ${res.body.errors[0].message}`));
		return res.body.errors.map((e) => `${e.field} ${e.message}`);
	};
	const accepted = async (body, opts) => {
		const res = await t.api('POST', '/pos-sessions', body, opts);
		assert.equal(res.status, 201, res.text);
		return res.body;
	};

	it('accepts the documented minimal body: 201 {uuid, status: pending, redirectUrl}', async () => {
		const created = await accepted(order());
		assert.deepEqual(Object.keys(created), ['uuid', 'status', 'redirectUrl']);
		assert.match(created.uuid, /^[0-9a-f-]{36}$/);
		assert.equal(created.status, 'pending');
		assert.equal(created.redirectUrl, `${t.sandbox.publicUrl}/session/${created.uuid}`);
	});

	it('accepts every optional group when complete, and ignores unknown top-level keys', async () => {
		await accepted({
			...order('https://shop.example.com'),
			validUntil: new Date(Date.now() + 3600_000).toISOString().replace('Z', '+00:00'),
			userIp: '2001:db8::7',
			customerData: { identityCode: '38001010000', firstName: 'Mari', lastName: 'Maasikas', gender: 'f' },
			customerContactData: { email: 'mari@example.com', mobile: '+37255555555' },
			purchase: { purchaseReference: 'o-2', description: 'Order 2', additionalDetails: { channel: 'web' }, merchant: [{ merchantOrderReference: 'm-1', merchantDomainName: 'shop.example.com' }] },
			rentalApplicationData: {
				insuranceUsed: false,
				grossTradeInAmount: 50,
				grossCampaignDiscount: 10.5,
				period: 36,
				assets: [hero, { type: 'CATEGORY_BASED', categoryCode: 'add_on', modelName: 'Case', netPrice: 19.9 }, { categoryCode: 'warranty', modelName: 'Warranty', netPrice: 0 }],
			},
			integrationInfo: { ecom_platform: 'n8n', module: 'n8n-nodes-inbank' },
			additionalData: 'free text',
			salespersonReference: 'unknown top-level keys are ignored',
		});
	});

	it('requires productCode, currency, locale, purchase and rentalApplicationData', async () => {
		assert.deepEqual(await problems({}), ['productCode is required', 'currency is required', 'locale is required', 'purchase is required', 'rentalApplicationData is required']);
		assert.deepEqual(await problems(order(undefined, { purchase: {}, rentalApplicationData: {} })), [
			'purchase.description is required',
			'rentalApplicationData.assets is required',
			'rentalApplicationData.period is required',
		]);
		assert.deepEqual(await problems(order(undefined, { purchase: { description: '  ' }, productCode: '' })), ['productCode must not be empty', 'purchase.description must not be empty']);
	});

	it('refuses bodies that are not a JSON object', async () => {
		assert.deepEqual(await problems(undefined, { raw: '{"productCode": ' }), ['body is not valid JSON']);
		assert.deepEqual(await problems(undefined, { raw: '' }), ['body must be a JSON object']);
		for (const raw of ['[1]', '"text"', 'null', '42']) assert.deepEqual(await problems(undefined, { raw }), ['body must be a JSON object'], raw);
		assert.deepEqual(await problems(undefined, { raw: 'productCode=smart_rent_demo', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), [
			'body must be JSON (Content-Type: application/json), not a form',
		]);
	});

	it('checks currency (EUR), locale (xx-XX), validUntil (ISO with offset, future), userIp and the product', async () => {
		const errors = await problems(order(undefined, { productCode: 'other_product', currency: 'eur', locale: 'EE', validUntil: '2020-01-01T00:00:00+02:00', userIp: 'localhost' }));
		assert.deepEqual(errors, [
			'productCode is not a product of this shop',
			'currency must be EUR (uppercase; the only currency available)',
			'locale must be a language-country code such as et-EE',
			'validUntil must be in the future',
			'userIp must be an IPv4 or IPv6 address',
		]);
		for (const validUntil of ['2099-01-01', '2099-01-01T10:00:00', 'tomorrow', 1893456000]) {
			assert.deepEqual(await problems(order(undefined, { validUntil })), ['validUntil must be an ISO 8601 date-time with offset, e.g. 2021-02-17T11:10:00+02:00'], String(validUntil));
		}
		assert.deepEqual(await problems(order(undefined, { currency: 'USD', locale: 'et_EE', userIp: '999.1.1.1' })), [
			'currency must be EUR (uppercase; the only currency available)',
			'locale must be a language-country code such as et-EE',
			'userIp must be an IPv4 or IPv6 address',
		]);
	});

	it("checks the period: a JSON whole number of months, one of the product's periods", async () => {
		const period = async (value) => (await problems(withAssets([hero], { period: value })))[0];
		assert.equal(await period('24'), 'rentalApplicationData.period must be a JSON number of months (not a string)');
		assert.equal(await period(12.5), 'rentalApplicationData.period must be a whole number of months > 0');
		assert.equal(await period(0), 'rentalApplicationData.period must be a whole number of months > 0');
		assert.equal(await period(18), 'rentalApplicationData.period must be one of 12, 24, 36 for this product');
	});

	it('hero device first: MODEL_BASED with a modelId (a missing type means CATEGORY_BASED)', async () => {
		assert.deepEqual(await problems(withAssets([{ modelId: IPHONE, modelName: 'Phone', netPrice: 1 }])), ['rentalApplicationData.assets[0].type the hero device (first asset) must be MODEL_BASED (a missing type means CATEGORY_BASED)']);
		assert.deepEqual(await problems(withAssets([{ type: 'CATEGORY_BASED', categoryCode: 'phone', modelName: 'Phone', netPrice: 1 }])), [
			'rentalApplicationData.assets[0].type the hero device (first asset) must be MODEL_BASED',
			'rentalApplicationData.assets[0].modelId is required for the hero device (first asset)',
		]);
		assert.deepEqual(await problems(withAssets([{ type: 'MODEL_BASED', modelName: 'Phone', netPrice: 1 }])), ['rentalApplicationData.assets[0].modelId is required for the hero device (first asset)']);
		assert.deepEqual(await problems(withAssets([{ ...hero, modelId: '' }])), ['rentalApplicationData.assets[0].modelId must be a non-empty string']);
		assert.deepEqual(await problems(withAssets([])), ['rentalApplicationData.assets must contain at least the hero device']);
		assert.deepEqual(await problems(withAssets({ 0: hero })), ['rentalApplicationData.assets must be an array']);
	});

	it('other assets: modelId for MODEL_BASED, categoryCode (a known string) for CATEGORY_BASED or no type', async () => {
		const errors = await problems(
			withAssets([
				hero,
				{ type: 'MODEL_BASED', modelName: 'Second phone', netPrice: 1 },
				{ modelName: 'No type', netPrice: 1 },
				{ type: 'CATEGORY_BASED', categoryCode: 'gift', modelName: 'Gift', netPrice: 1 },
				{ type: 'CATEGORY_BASED', categoryCode: 7, modelName: 'Typed number', netPrice: 1 },
				{ type: 'BUNDLE', modelName: 'Bundle', netPrice: 1 },
				'not an object',
			]),
		);
		assert.deepEqual(errors, [
			'rentalApplicationData.assets[1].modelId is required for a MODEL_BASED asset',
			'rentalApplicationData.assets[2].categoryCode is required for a CATEGORY_BASED asset',
			'rentalApplicationData.assets[3].categoryCode is not a known category code (phone, tablet, computer, watch, add_on, copying_fee, shipping_fee, warranty)',
			'rentalApplicationData.assets[4].categoryCode must be a string (a category code)',
			'rentalApplicationData.assets[5].type must be MODEL_BASED or CATEGORY_BASED',
			'rentalApplicationData.assets[6] must be an object',
		]);
		// Every documented code (and the configured extra one) is accepted.
		const codes = ['phone', 'tablet', 'computer', 'watch', 'add_on', 'shipping_fee', 'warranty'];
		await accepted(withAssets([hero, ...codes.map((categoryCode) => ({ type: 'CATEGORY_BASED', categoryCode, modelName: categoryCode, netPrice: 1 }))]));
	});

	it('copying_fee only for a Latvian shop', async () => {
		const fee = { type: 'CATEGORY_BASED', categoryCode: 'copying_fee', modelName: 'Copying fee', netPrice: 2 };
		assert.deepEqual(await problems(withAssets([hero, fee])), ['rentalApplicationData.assets[1].categoryCode copying_fee is applicable for Latvia only']);
		await accepted(withAssets([hero, fee]), { key: LV_SHOP.apiKey, shopUuid: LV_SHOP.uuid });
	});

	it('amounts and flags must be JSON numbers >= 0 and booleans (Inbank receives JSON)', async () => {
		const errors = await problems(
			withAssets([{ ...hero, netPrice: '400' }, { type: 'CATEGORY_BASED', categoryCode: 'add_on', modelName: 'Case', netPrice: -1 }, { type: 'CATEGORY_BASED', categoryCode: 'add_on', modelName: 'Free' }, { type: 'CATEGORY_BASED', categoryCode: 'add_on', modelName: 7, netPrice: 1 }], {
				insuranceUsed: 'true',
				grossTradeInAmount: '50',
				grossCampaignDiscount: -10,
			}),
		);
		assert.deepEqual(errors, [
			'rentalApplicationData.insuranceUsed must be a boolean (true or false)',
			'rentalApplicationData.grossCampaignDiscount must be a number >= 0',
			'rentalApplicationData.grossTradeInAmount must be a JSON number (not a string)',
			'rentalApplicationData.assets[0].netPrice must be a JSON number (not a string)',
			'rentalApplicationData.assets[1].netPrice must be a number >= 0',
			'rentalApplicationData.assets[2].netPrice is required',
			'rentalApplicationData.assets[3].modelName must be a string',
		]);
	});

	it('optional groups: absent is fine, present makes their starred keys required and their keys strict', async () => {
		const errors = await problems(
			order(undefined, {
				customerData: { firstName: 'Mari', nickname: 'M', gender: 'x' },
				customerContactData: { email: 'not-an-email' },
				purchase: { description: 'd', merchant: [{ merchantOrderReference: 'r' }, 'x'], notes: 'n' },
				partnerUrls: { returnUrl: 'ftp://shop.example.com', callbackURL: 'https://shop.example.com/cb' },
			}),
		);
		assert.deepEqual(errors, [
			'customerData.nickname is not an allowed key (allowed: identityCode, firstName, lastName, gender)',
			'customerData.identityCode is required',
			'customerData.lastName is required',
			'customerData.gender must be m or f',
			'customerContactData.email must be an email address',
			'customerContactData.mobile is required',
			'purchase.notes is not an allowed key (allowed: purchaseReference, description, additionalDetails, merchant)',
			'purchase.merchant[0].merchantDomainName is required',
			'purchase.merchant[1] must be an object',
			'partnerUrls.callbackURL is not an allowed key (allowed: returnUrl, cancelUrl, callbackUrl)',
			'partnerUrls.returnUrl must be an http(s) URL',
			'partnerUrls.cancelUrl is required',
		]);
		assert.deepEqual(await problems(order(undefined, { customerData: 'Mari', customerContactData: [], partnerUrls: null })), [
			'customerData must be an object',
			'customerContactData must be an object',
			'partnerUrls must be an object',
		]);
		assert.deepEqual(await problems(order('https://shop.example.com', { purchase: { description: 'd', merchant: {} } })), ['purchase.merchant must be an array']);
		const urls = { returnUrl: 'https://shop.example.com/r', cancelUrl: 'https://shop.example.com/c', callbackUrl: 'not a url' };
		assert.deepEqual(await problems(order(undefined, { partnerUrls: urls })), ['partnerUrls.callbackUrl must be an http(s) URL']);
	});

	it('strict keys inside rentalApplicationData and its assets (the session takes no grossPrice)', async () => {
		assert.deepEqual(await problems(withAssets([{ ...hero, grossPrice: 496 }], { months: 24 })), [
			'rentalApplicationData.months is not an allowed key (allowed: insuranceUsed, grossCampaignDiscount, grossTradeInAmount, assets, period)',
			'rentalApplicationData.assets[0].grossPrice is not an allowed key (allowed: type, modelId, modelName, categoryCode, netPrice)',
		]);
	});

	it('integrationInfo and additionalData: an object or a string', async () => {
		assert.deepEqual(await problems(order(undefined, { integrationInfo: 5, additionalData: [1] })), ['integrationInfo must be an object or a string', 'additionalData must be an object or a string']);
	});
});

describe('validate.cjs (also loaded by the node’s jest property tests)', () => {
	it('checks IMEIs with the Luhn algorithm', () => {
		assert.equal(rules.luhnValid('356938035643809'), true);
		assert.equal(rules.luhnValid('490154203237518'), true);
		assert.equal(rules.luhnValid('356938035643808'), false);
		assert.equal(rules.luhnValid('353456789012343'), false);
	});
	it('names the identifier that breaks the rules', () => {
		const check = (list, types) => rules.validateAssetIdentifiers({ assetIdentifiers: list }, types).map((e) => `${e.field} ${e.message}`);
		assert.deepEqual(check([{ identifierType: 'IMEI', identifier: '356938035643809' }]), []);
		assert.deepEqual(check([{ identifierType: 'IMEI', identifier: '35693803564380' }]), ['assetIdentifiers[0].identifier an IMEI has exactly 15 digits']);
		assert.deepEqual(check([{ identifierType: 'IMEI', identifier: '356938035643808' }]), ['assetIdentifiers[0].identifier is not a valid IMEI (Luhn check digit)']);
		// No serial-number format is documented: any non-empty string.
		assert.deepEqual(check([{ identifierType: 'SERIAL_NUMBER', identifier: 'F2LXK0AB CD/1' }]), []);
		assert.deepEqual(check([{ identifierType: 'SERIAL_NUMBER', identifier: ' ' }]), ['assetIdentifiers[0].identifier must be a non-empty string']);
		assert.deepEqual(check([{ identifierType: 'EAN', identifier: '1' }, { identifierType: 'SERIAL_NUMBER' }, { identifierType: 'IMEI', identifier: 356938035643809, extra: 1 }]), [
			'assetIdentifiers[0].identifierType must be IMEI or SERIAL_NUMBER',
			'assetIdentifiers[1].identifier is required',
			'assetIdentifiers[2].extra is not an allowed key (allowed: identifier, identifierType)',
			'assetIdentifiers[2].identifier must be a non-empty string',
		]);
		assert.deepEqual(check([{ identifierType: 'SERIAL_NUMBER', identifier: 'F2LXK0ABCD' }], ['IMEI']), ["assetIdentifiers[0].identifierType is not used by the hero device's model (it uses IMEI)"]);
		assert.deepEqual(rules.validateHeroIdentifiers([{ identifierType: 'IMEI', identifier: 'a' }, { identifierType: 'SERIAL_NUMBER', identifier: 'b' }, { identifierType: 'IMEI', identifier: 'c' }]), [
			{ field: 'assetIdentifiers[2].identifierType', message: 'IMEI appears twice (also assetIdentifiers[0]): identifiers are for the hero device only' },
		]);
	});
});
