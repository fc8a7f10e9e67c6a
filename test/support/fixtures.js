'use strict';
// One set of fixtures for the unit tests (TypeScript, through allowJs) and the end-to-end suites, the bench
// and the scripts (ES modules, through createRequire): the shop, a per-run API key and the seed request.
const { createHash, randomBytes } = require('node:crypto');

const { name: PACKAGE_NAME, version: PACKAGE_VERSION } = require('../../package.json');

/** @typedef {import('n8n-workflow').INodeParameters} INodeParameters */

const SHOP_UUID = 'a93f1f44-d5dd-4469-bfcc-c1de9e969213';
/** A fresh key per run, so that finding it anywhere it should not be is never a coincidence. */
const API_KEY = `sk_test_${randomBytes(16).toString('hex')}`;

/**
 * The Inbank API credential's data for a stand-in at `baseUrl`.
 * @param {string} baseUrl
 * @param {Record<string, unknown>} [overrides]
 */
function credentials(baseUrl, overrides = {}) {
	return { apiKey: API_KEY, environment: 'demo', country: 'ee', shopUuid: SHOP_UUID, baseUrl, ...overrides };
}

/**
 * Every field of the seed set through the Fields mode.
 * @param {INodeParameters} [overrides]
 * @returns {INodeParameters}
 */
function fullFieldParameters(overrides = {}) {
	return {
		resource: 'posSession',
		operation: 'create',
		inputMode: 'fields',
		productCode: 'smart_rent_ee',
		currency: 'EUR',
		locale: 'et-EE',
		period: 24,
		insuranceUsed: false,
		assets: {
			asset: [
				{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'iPhone 15 128GB', netPrice: 799.9 },
				{ type: 'CATEGORY_BASED', categoryCode: 'add_on', modelName: 'Case', netPrice: 19.5 },
				{
					type: 'CATEGORY_BASED',
					categoryCode: '__custom__',
					customCategoryCode: 'extended_warranty',
					modelName: 'Warranty',
					netPrice: '49.00',
				},
			],
		},
		purchaseDescription: 'Order 1001',
		purchaseReference: '1001',
		callbackUrl: 'https://n8n.example.com/webhook/abc/inbank',
		customerData: {
			customer: { identityCode: '38001085718', firstName: 'Mari', lastName: 'Maasikas', gender: 'f' },
		},
		customerContactData: { contact: { email: 'mari@example.com', mobile: '+37255555555' } },
		merchants: { merchant: [{ merchantOrderReference: 'M-1', merchantDomainName: 'shop.example.com' }] },
		partnerUrls: {
			urls: {
				returnUrl: 'https://shop.example.com/return',
				cancelUrl: 'https://shop.example.com/cancel',
			},
		},
		additionalFields: {
			validUntil: '2030-02-17T11:10:00+02:00',
			userIp: '203.0.113.7',
			purchaseAdditionalDetails: '{"channel":"web"}',
			grossCampaignDiscount: 10,
			grossTradeInAmount: '50.5',
			additionalData: '{"prefill":{"employer":"ACME"}}',
		},
		...overrides,
	};
}

/** The body the seed describes for fullFieldParameters(). */
function fullExpectedBody() {
	return {
		productCode: 'smart_rent_ee',
		currency: 'EUR',
		locale: 'et-EE',
		validUntil: '2030-02-17T11:10:00+02:00',
		userIp: '203.0.113.7',
		customerData: { identityCode: '38001085718', firstName: 'Mari', lastName: 'Maasikas', gender: 'f' },
		customerContactData: { email: 'mari@example.com', mobile: '+37255555555' },
		purchase: {
			purchaseReference: '1001',
			description: 'Order 1001',
			additionalDetails: { channel: 'web' },
			merchant: [{ merchantOrderReference: 'M-1', merchantDomainName: 'shop.example.com' }],
		},
		rentalApplicationData: {
			insuranceUsed: false,
			grossCampaignDiscount: 10,
			grossTradeInAmount: 50.5,
			assets: [
				{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'iPhone 15 128GB', netPrice: 799.9 },
				{ type: 'CATEGORY_BASED', categoryCode: 'add_on', modelName: 'Case', netPrice: 19.5 },
				{ type: 'CATEGORY_BASED', categoryCode: 'extended_warranty', modelName: 'Warranty', netPrice: 49 },
			],
			period: 24,
		},
		partnerUrls: {
			returnUrl: 'https://shop.example.com/return',
			cancelUrl: 'https://shop.example.com/cancel',
			callbackUrl: 'https://n8n.example.com/webhook/abc/inbank',
		},
		integrationInfo: { ecom_platform: 'n8n', Module: `${PACKAGE_NAME}@${PACKAGE_VERSION}` },
		additionalData: { prefill: { employer: 'ACME' } },
	};
}

/**
 * The smallest Fields-mode request: required fields only.
 * @param {INodeParameters} [overrides]
 * @returns {INodeParameters}
 */
function minimalFieldParameters(overrides = {}) {
	return {
		resource: 'posSession',
		operation: 'create',
		productCode: 'smart_rent_ee',
		locale: 'et-EE',
		period: 24,
		assets: {
			asset: [{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'iPhone 15', netPrice: 799.9 }],
		},
		purchaseDescription: 'Order 1002',
		...overrides,
	};
}

/**
 * A session uuid for a name in a test: canonical, lower-case and the same for the same name.
 * @param {string} name
 * @returns {string}
 */
function sessionUuid(name) {
	const hex = createHash('sha256').update(name).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

module.exports = {
	PACKAGE_NAME,
	PACKAGE_VERSION,
	SHOP_UUID,
	API_KEY,
	credentials,
	fullFieldParameters,
	fullExpectedBody,
	minimalFieldParameters,
	sessionUuid,
};
