'use strict';
// Request validation as Inbank's partner API documentation (docs.inbank.eu) describes it, written
// independently of the node's own schema so that each checks the other.
// Every check returns a list of { field, message } problems; an empty list means valid.
//
// CommonJS on purpose: the node's jest suites (test/unit/InbankSmartRent/createPosSession.property.test.ts) load this file to hold the
// node's output against it, and jest cannot load the sandbox's ES modules.
//
// Where Inbank's page contradicts itself, the described meaning wins (see sandbox/README.md):
// customerData / customerContactData are optional objects, categoryCode is a string, integrationInfo
// and additionalData may be objects. Keys inside the documented groups are checked strictly (a typo
// such as `callbackURL` would otherwise silently lose the callbacks); unknown top-level keys are
// ignored because v3's full field list is not public.
const { isIP } = require('node:net');

/** Category codes Inbank's documentation lists; more can be agreed with a shop (extraCategoryCodes). */
const CATEGORY_CODES = ['phone', 'tablet', 'computer', 'watch', 'add_on', 'copying_fee', 'shipping_fee'];
/** "copying_fee (is applicable for only Latvia)". */
const LATVIA_ONLY = new Set(['copying_fee']);
const ASSET_TYPES = ['MODEL_BASED', 'CATEGORY_BASED'];
const IDENTIFIER_TYPES = ['IMEI', 'SERIAL_NUMBER'];

const KEYS = {
	customerData: ['identityCode', 'firstName', 'lastName', 'gender'],
	customerContactData: ['email', 'mobile'],
	purchase: ['purchaseReference', 'description', 'additionalDetails', 'merchant'],
	merchant: ['merchantOrderReference', 'merchantDomainName'],
	rentalApplicationData: ['insuranceUsed', 'grossCampaignDiscount', 'grossTradeInAmount', 'assets', 'period'],
	asset: ['type', 'modelId', 'modelName', 'categoryCode', 'netPrice'],
	// The calculation's assets also take a gross price (Inbank's documentation); the session's do not.
	calculationAsset: ['type', 'modelId', 'modelName', 'categoryCode', 'netPrice', 'grossPrice'],
	partnerUrls: ['returnUrl', 'cancelUrl', 'callbackUrl'],
	calculation: ['period', 'insuranceUsed', 'assets', 'grossTradeInAmount', 'grossCampaignDiscount'],
	assetIdentifier: ['identifier', 'identifierType'],
};

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v) => typeof v === 'string' && v.trim() !== '';
// Inbank receives JSON: an amount is a JSON number, never "799.90".
const isAmount = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isHttpUrl = (v) => {
	if (!isText(v)) return false;
	try {
		const url = new URL(v);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
	} catch {
		return false;
	}
};
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** The Luhn test every IMEI passes (its 15th digit is a Luhn check digit). */
function luhnValid(digits) {
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let d = digits.charCodeAt(digits.length - 1 - i) - 48;
		if (i % 2 === 1) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
	}
	return sum % 10 === 0;
}

class Problems {
	list = [];
	add(field, message) {
		this.list.push({ field, message });
	}
	/** A required non-empty string. */
	text(object, key, at) {
		if (object[key] === undefined || object[key] === null) this.add(`${at}${key}`, 'is required');
		else if (typeof object[key] !== 'string') this.add(`${at}${key}`, 'must be a string');
		else if (!isText(object[key])) this.add(`${at}${key}`, 'must not be empty');
	}
	optionalText(object, key, at) {
		if (object[key] !== undefined && typeof object[key] !== 'string') this.add(`${at}${key}`, 'must be a string');
	}
	amount(object, key, at, required = false) {
		const value = object[key];
		if (value === undefined) {
			if (required) this.add(`${at}${key}`, 'is required');
		} else if (typeof value !== 'number') this.add(`${at}${key}`, 'must be a JSON number (not a string)');
		else if (!isAmount(value)) this.add(`${at}${key}`, 'must be a number >= 0');
	}
	boolean(object, key, at) {
		if (object[key] !== undefined && typeof object[key] !== 'boolean') this.add(`${at}${key}`, 'must be a boolean (true or false)');
	}
	/** Only the documented keys: one problem per stray key. */
	onlyKeys(object, allowed, at) {
		for (const key of Object.keys(object)) {
			if (!allowed.includes(key)) this.add(`${at}${key}`, `is not an allowed key (allowed: ${allowed.join(', ')})`);
		}
	}
	/** An optional or required group: when present it must be an object. Returns the object or undefined. */
	group(parent, key, at, { required = false } = {}) {
		const value = parent[key];
		if (value === undefined) {
			if (required) this.add(`${at}${key}`, 'is required');
			return undefined;
		}
		if (!isObject(value)) {
			this.add(`${at}${key}`, 'must be an object');
			return undefined;
		}
		return value;
	}
}

/** rentalApplicationData.assets (session) or assets (calculation). `field` is the list's own name. */
function checkAssets(p, assets, field, ctx, allowedKeys) {
	if (assets === undefined) return p.add(field, 'is required');
	if (!Array.isArray(assets)) return p.add(field, 'must be an array');
	if (assets.length === 0) return p.add(field, 'must contain at least the hero device');
	const categories = [...CATEGORY_CODES, ...(ctx.extraCategoryCodes ?? [])];
	assets.forEach((asset, index) => {
		const at = `${field}[${index}].`;
		if (!isObject(asset)) return p.add(`${field}[${index}]`, 'must be an object');
		p.onlyKeys(asset, allowedKeys, at);
		// "If the type is not sent in the request, default value CATEGORY_BASED is applied."
		const type = asset.type ?? 'CATEGORY_BASED';
		if (!ASSET_TYPES.includes(type)) p.add(`${at}type`, 'must be MODEL_BASED or CATEGORY_BASED');
		else if (index === 0 && type !== 'MODEL_BASED') {
			p.add(`${at}type`, `the hero device (first asset) must be MODEL_BASED${asset.type === undefined ? ' (a missing type means CATEGORY_BASED)' : ''}`);
		}
		p.text(asset, 'modelName', at);
		p.amount(asset, 'netPrice', at, true);
		if (allowedKeys.includes('grossPrice')) p.amount(asset, 'grossPrice', at);
		// modelId: "Required if assets["type"] is MODEL_BASED. Required for the hero device."
		if (type === 'MODEL_BASED' || index === 0) {
			if (asset.modelId === undefined) p.add(`${at}modelId`, index === 0 ? 'is required for the hero device (first asset)' : 'is required for a MODEL_BASED asset');
			else if (!isText(asset.modelId)) p.add(`${at}modelId`, 'must be a non-empty string');
		} else if (type === 'CATEGORY_BASED') {
			if (asset.categoryCode === undefined) p.add(`${at}categoryCode`, 'is required for a CATEGORY_BASED asset');
			else if (typeof asset.categoryCode !== 'string') p.add(`${at}categoryCode`, 'must be a string (a category code)');
			else if (!categories.includes(asset.categoryCode)) p.add(`${at}categoryCode`, `is not a known category code (${categories.join(', ')})`);
			else if (LATVIA_ONLY.has(asset.categoryCode) && ctx.country !== 'lv') p.add(`${at}categoryCode`, `${asset.categoryCode} is applicable for Latvia only`);
		}
	});
}

function checkPeriod(p, period, field, periods) {
	if (period === undefined) return p.add(field, 'is required');
	if (typeof period !== 'number') return p.add(field, 'must be a JSON number of months (not a string)');
	if (!Number.isInteger(period) || period <= 0) return p.add(field, 'must be a whole number of months > 0');
	if (periods && !periods.includes(period)) p.add(field, `must be one of ${periods.join(', ')} for this product`);
}

/**
 * POST /partner/v3/shops/{shopUuid}/pos-sessions.
 * ctx: { country, products: Map(code -> { periods }), extraCategoryCodes: string[], now: ms }.
 */
function validatePosSession(body, ctx) {
	const p = new Problems();
	if (!isObject(body)) {
		p.add('body', 'must be a JSON object');
		return p.list;
	}
	const now = ctx.now ?? Date.now();

	p.text(body, 'productCode', '');
	const product = isText(body.productCode) ? ctx.products?.get(body.productCode) : undefined;
	if (isText(body.productCode) && !product) p.add('productCode', 'is not a product of this shop');
	if (body.currency === undefined) p.add('currency', 'is required');
	else if (body.currency !== 'EUR') p.add('currency', 'must be EUR (uppercase; the only currency available)');
	if (body.locale === undefined) p.add('locale', 'is required');
	else if (typeof body.locale !== 'string' || !/^[a-z]{2}-[A-Z]{2}$/.test(body.locale)) p.add('locale', 'must be a language-country code such as et-EE');
	if (body.validUntil !== undefined) {
		if (typeof body.validUntil !== 'string' || !ISO_WITH_OFFSET.test(body.validUntil) || Number.isNaN(Date.parse(body.validUntil))) {
			p.add('validUntil', 'must be an ISO 8601 date-time with offset, e.g. 2021-02-17T11:10:00+02:00');
		} else if (Date.parse(body.validUntil) <= now) p.add('validUntil', 'must be in the future');
	}
	if (body.userIp !== undefined && (typeof body.userIp !== 'string' || isIP(body.userIp) === 0)) p.add('userIp', 'must be an IPv4 or IPv6 address');

	// Optional groups: absent is fine; present means their starred keys are required.
	const customer = p.group(body, 'customerData', '');
	if (customer) {
		p.onlyKeys(customer, KEYS.customerData, 'customerData.');
		for (const key of ['identityCode', 'firstName', 'lastName']) p.text(customer, key, 'customerData.');
		if (customer.gender !== undefined && !['m', 'f'].includes(customer.gender)) p.add('customerData.gender', 'must be m or f');
	}
	const contact = p.group(body, 'customerContactData', '');
	if (contact) {
		p.onlyKeys(contact, KEYS.customerContactData, 'customerContactData.');
		p.text(contact, 'email', 'customerContactData.');
		if (isText(contact.email) && !EMAIL.test(contact.email)) p.add('customerContactData.email', 'must be an email address');
		p.text(contact, 'mobile', 'customerContactData.');
	}

	const purchase = p.group(body, 'purchase', '', { required: true });
	if (purchase) {
		p.onlyKeys(purchase, KEYS.purchase, 'purchase.');
		p.optionalText(purchase, 'purchaseReference', 'purchase.');
		p.text(purchase, 'description', 'purchase.');
		if (purchase.additionalDetails !== undefined && !isObject(purchase.additionalDetails)) p.add('purchase.additionalDetails', 'must be an object');
		if (purchase.merchant !== undefined) {
			if (!Array.isArray(purchase.merchant)) p.add('purchase.merchant', 'must be an array');
			else {
				purchase.merchant.forEach((entry, i) => {
					const at = `purchase.merchant[${i}].`;
					if (!isObject(entry)) return p.add(`purchase.merchant[${i}]`, 'must be an object');
					p.onlyKeys(entry, KEYS.merchant, at);
					p.text(entry, 'merchantOrderReference', at);
					p.text(entry, 'merchantDomainName', at);
				});
			}
		}
	}

	const rental = p.group(body, 'rentalApplicationData', '', { required: true });
	if (rental) {
		const at = 'rentalApplicationData.';
		p.onlyKeys(rental, KEYS.rentalApplicationData, at);
		p.boolean(rental, 'insuranceUsed', at);
		p.amount(rental, 'grossCampaignDiscount', at);
		p.amount(rental, 'grossTradeInAmount', at);
		checkAssets(p, rental.assets, `${at}assets`, ctx, KEYS.asset);
		checkPeriod(p, rental.period, `${at}period`, product?.periods);
	}

	const urls = p.group(body, 'partnerUrls', '');
	if (urls) {
		p.onlyKeys(urls, KEYS.partnerUrls, 'partnerUrls.');
		for (const key of ['returnUrl', 'cancelUrl']) {
			if (urls[key] === undefined) p.add(`partnerUrls.${key}`, 'is required');
			else if (!isHttpUrl(urls[key])) p.add(`partnerUrls.${key}`, 'must be an http(s) URL');
		}
		if (urls.callbackUrl !== undefined && !isHttpUrl(urls.callbackUrl)) p.add('partnerUrls.callbackUrl', 'must be an http(s) URL');
	}
	// Typed "string" but described as key/value containers: either is accepted.
	for (const key of ['integrationInfo', 'additionalData']) {
		if (body[key] !== undefined && !isObject(body[key]) && typeof body[key] !== 'string') p.add(key, 'must be an object or a string');
	}
	return p.list;
}

/** POST rental/products/{productCode}/calculations. ctx: { country, periods, extraCategoryCodes }. */
function validateCalculation(body, ctx) {
	const p = new Problems();
	if (!isObject(body)) {
		p.add('body', 'must be a JSON object');
		return p.list;
	}
	p.onlyKeys(body, KEYS.calculation, '');
	checkPeriod(p, body.period, 'period', ctx.periods);
	p.boolean(body, 'insuranceUsed', '');
	p.amount(body, 'grossTradeInAmount', '');
	p.amount(body, 'grossCampaignDiscount', '');
	checkAssets(p, body.assets, 'assets', ctx, KEYS.calculationAsset);
	return p.list;
}

/**
 * PATCH …/contracts/{contractUuid}/asset-identifiers: the shape of each identifier. An IMEI has 15
 * digits and a valid Luhn check digit; a serial number is any non-empty string.
 * allowedTypes (optional): the identifier types the hero device's model uses.
 */
function validateAssetIdentifiers(body, allowedTypes) {
	const p = new Problems();
	if (!isObject(body)) {
		p.add('body', 'must be a JSON object');
		return p.list;
	}
	const list = body.assetIdentifiers;
	if (list === undefined) p.add('assetIdentifiers', 'is required');
	else if (!Array.isArray(list)) p.add('assetIdentifiers', 'must be an array');
	else if (list.length === 0) p.add('assetIdentifiers', 'must hold at least one identifier of the hero device');
	if (!Array.isArray(list)) return p.list;
	list.forEach((entry, i) => {
		const at = `assetIdentifiers[${i}].`;
		if (!isObject(entry)) return p.add(`assetIdentifiers[${i}]`, 'must be an object');
		p.onlyKeys(entry, KEYS.assetIdentifier, at);
		if (!IDENTIFIER_TYPES.includes(entry.identifierType)) p.add(`${at}identifierType`, 'must be IMEI or SERIAL_NUMBER');
		else if (allowedTypes && !allowedTypes.includes(entry.identifierType)) {
			p.add(`${at}identifierType`, `is not used by the hero device's model (it uses ${allowedTypes.join(', ')})`);
		}
		if (entry.identifier === undefined) return p.add(`${at}identifier`, 'is required');
		if (!isText(entry.identifier)) return p.add(`${at}identifier`, 'must be a non-empty string');
		// Inbank documents no serial-number format, so only IMEIs are checked beyond "a non-empty string".
		if (entry.identifierType === 'IMEI') {
			if (!/^\d{15}$/.test(entry.identifier)) p.add(`${at}identifier`, 'an IMEI has exactly 15 digits');
			else if (!luhnValid(entry.identifier)) p.add(`${at}identifier`, 'is not a valid IMEI (Luhn check digit)');
		}
	});
	return p.list;
}

/**
 * The "hero device only" rule: identifiers describe one device, so each type appears at most once
 * (a second IMEI or serial number would be another device's). Kept apart from the shape checks above
 * because it is a rule of the contract's device (routes.mjs applies both).
 */
function validateHeroIdentifiers(list) {
	const p = new Problems();
	const seen = new Map();
	list.forEach((entry, i) => {
		if (!isObject(entry)) return;
		const type = entry.identifierType;
		if (seen.has(type)) {
			p.add(`assetIdentifiers[${i}].identifierType`, `${type} appears twice (also assetIdentifiers[${seen.get(type)}]): identifiers are for the hero device only`);
		} else seen.set(type, i);
	});
	return p.list;
}

module.exports = {
	CATEGORY_CODES,
	IDENTIFIER_TYPES,
	luhnValid,
	validatePosSession,
	validateCalculation,
	validateAssetIdentifiers,
	validateHeroIdentifiers,
};
