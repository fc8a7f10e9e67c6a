'use strict';
// Request validation as Inbank documents it (../../../shared/inbank/pos-session-initiation.md and
// api-facts.md), written independently of the node's own schema so that each checks the other.
// Every check returns { field, message } problems; an empty list means valid. CommonJS, so that the
// node's unit tests (jest) can hold the node's output against it too.

const CATEGORY_CODES = ['phone', 'tablet', 'computer', 'watch', 'add_on', 'copying_fee', 'shipping_fee'];
const LATVIA_ONLY = new Set(['copying_fee']);

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v) => typeof v === 'string' && v.trim() !== '';
const isAmount = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isUrl = (v) => {
	if (!isText(v)) return false;
	try {
		const url = new URL(v);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
};
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const isIp = (v) => typeof v === 'string' && (IPV4.test(v) || (v.includes(':') && /^[0-9a-fA-F:.]+$/.test(v)));

class Problems {
	list = [];
	add(field, message) {
		this.list.push({ field, message });
	}
	requireText(object, key, prefix) {
		if (object[key] === undefined || object[key] === null) this.add(`${prefix}${key}`, 'is required');
		else if (!isText(object[key])) this.add(`${prefix}${key}`, 'must be a non-empty string');
	}
	optionalText(object, key, prefix) {
		if (object[key] !== undefined && typeof object[key] !== 'string') this.add(`${prefix}${key}`, 'must be a string');
	}
	optionalAmount(object, key, prefix) {
		if (object[key] !== undefined && !isAmount(object[key])) this.add(`${prefix}${key}`, 'must be a number >= 0');
	}
	onlyKeys(object, allowed, prefix) {
		for (const key of Object.keys(object)) {
			if (!allowed.includes(key)) this.add(`${prefix}${key}`, `is not an allowed key (allowed: ${allowed.join(', ')})`);
		}
	}
}

/** The assets of rentalApplicationData or of a rental calculation. */
function checkAssets(p, assets, prefix, ctx) {
	if (assets === undefined) return p.add(prefix.slice(0, -1), 'is required');
	if (!Array.isArray(assets)) return p.add(prefix.slice(0, -1), 'must be an array');
	if (assets.length === 0) return p.add(prefix.slice(0, -1), 'must contain at least the hero device');
	assets.forEach((asset, index) => {
		const at = `${prefix.slice(0, -1)}[${index}].`;
		if (!isObject(asset)) return p.add(at.slice(0, -1), 'must be an object');
		const type = asset.type ?? 'CATEGORY_BASED';
		if (!['MODEL_BASED', 'CATEGORY_BASED'].includes(type)) p.add(`${at}type`, 'must be MODEL_BASED or CATEGORY_BASED');
		if (index === 0 && asset.type !== 'MODEL_BASED') {
			p.add(`${at}type`, 'the hero device (first asset) must be MODEL_BASED');
		}
		p.requireText(asset, 'modelName', at);
		if (asset.netPrice === undefined) p.add(`${at}netPrice`, 'is required');
		else if (!isAmount(asset.netPrice)) p.add(`${at}netPrice`, 'must be a number >= 0');
		if (ctx.allowGrossPrice) p.optionalAmount(asset, 'grossPrice', at);
		else if (asset.grossPrice !== undefined) p.add(`${at}grossPrice`, 'is not an allowed key here');
		if (type === 'MODEL_BASED') {
			if (!isText(asset.modelId)) p.add(`${at}modelId`, 'is required for a MODEL_BASED asset');
		} else if (type === 'CATEGORY_BASED') {
			if (!isText(asset.categoryCode)) p.add(`${at}categoryCode`, 'is required for a CATEGORY_BASED asset');
			else if (![...CATEGORY_CODES, ...ctx.extraCategoryCodes].includes(asset.categoryCode)) {
				p.add(`${at}categoryCode`, `is not a known category code (${[...CATEGORY_CODES, ...ctx.extraCategoryCodes].join(', ')})`);
			} else if (LATVIA_ONLY.has(asset.categoryCode) && ctx.country !== 'lv') {
				p.add(`${at}categoryCode`, `${asset.categoryCode} is applicable for Latvia only`);
			}
		}
	});
}

function checkPeriod(p, period, field, ctx) {
	if (period === undefined) return p.add(field, 'is required');
	if (!Number.isInteger(period) || period <= 0) return p.add(field, 'must be a whole number of months > 0');
	if (ctx.periods && !ctx.periods.includes(period)) p.add(field, `must be one of ${ctx.periods.join(', ')} for this product`);
}

/**
 * POST /pos-sessions. ctx: { country, products: Map(code -> {periods}), extraCategoryCodes }.
 */
function validatePosSession(body, ctx) {
	const p = new Problems();
	if (!isObject(body)) {
		p.add('body', 'must be a JSON object');
		return p.list;
	}
	p.requireText(body, 'productCode', '');
	const product = isText(body.productCode) ? ctx.products.get(body.productCode) : undefined;
	if (isText(body.productCode) && !product) p.add('productCode', 'is not a product of this shop');
	if (body.currency === undefined) p.add('currency', 'is required');
	else if (body.currency !== 'EUR') p.add('currency', 'must be EUR');
	if (body.locale === undefined) p.add('locale', 'is required');
	else if (typeof body.locale !== 'string' || !/^[a-z]{2}-[A-Z]{2}$/.test(body.locale)) p.add('locale', 'must look like et-EE');
	if (body.validUntil !== undefined) {
		const ok = typeof body.validUntil === 'string' && /T.*(Z|[+-]\d{2}:\d{2})$/.test(body.validUntil) && !Number.isNaN(Date.parse(body.validUntil));
		if (!ok) p.add('validUntil', 'must be an ISO 8601 date-time with offset');
		else if (Date.parse(body.validUntil) <= ctx.now) p.add('validUntil', 'must be in the future');
	}
	if (body.userIp !== undefined && !isIp(body.userIp)) p.add('userIp', 'must be an IP address');

	if (body.customerData !== undefined) {
		if (!isObject(body.customerData)) p.add('customerData', 'must be an object');
		else {
			const c = body.customerData;
			p.onlyKeys(c, ['identityCode', 'firstName', 'lastName', 'gender'], 'customerData.');
			for (const key of ['identityCode', 'firstName', 'lastName']) p.requireText(c, key, 'customerData.');
			if (c.gender !== undefined && !['m', 'f'].includes(c.gender)) p.add('customerData.gender', 'must be m or f');
		}
	}
	if (body.customerContactData !== undefined) {
		if (!isObject(body.customerContactData)) p.add('customerContactData', 'must be an object');
		else {
			const c = body.customerContactData;
			p.onlyKeys(c, ['email', 'mobile'], 'customerContactData.');
			p.requireText(c, 'email', 'customerContactData.');
			if (isText(c.email) && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(c.email)) p.add('customerContactData.email', 'must be an email address');
			p.requireText(c, 'mobile', 'customerContactData.');
		}
	}

	if (body.purchase === undefined) p.add('purchase', 'is required');
	else if (!isObject(body.purchase)) p.add('purchase', 'must be an object');
	else {
		const pu = body.purchase;
		p.optionalText(pu, 'purchaseReference', 'purchase.');
		p.requireText(pu, 'description', 'purchase.');
		if (pu.additionalDetails !== undefined && !isObject(pu.additionalDetails)) p.add('purchase.additionalDetails', 'must be an object');
		if (pu.merchant !== undefined) {
			if (!Array.isArray(pu.merchant)) p.add('purchase.merchant', 'must be an array');
			else
				pu.merchant.forEach((m, i) => {
					const at = `purchase.merchant[${i}].`;
					if (!isObject(m)) return p.add(at.slice(0, -1), 'must be an object');
					p.requireText(m, 'merchantOrderReference', at);
					p.requireText(m, 'merchantDomainName', at);
				});
		}
	}

	if (body.rentalApplicationData === undefined) p.add('rentalApplicationData', 'is required');
	else if (!isObject(body.rentalApplicationData)) p.add('rentalApplicationData', 'must be an object');
	else {
		const r = body.rentalApplicationData;
		if (r.insuranceUsed !== undefined && typeof r.insuranceUsed !== 'boolean') p.add('rentalApplicationData.insuranceUsed', 'must be a boolean');
		p.optionalAmount(r, 'grossCampaignDiscount', 'rentalApplicationData.');
		p.optionalAmount(r, 'grossTradeInAmount', 'rentalApplicationData.');
		checkAssets(p, r.assets, 'rentalApplicationData.assets.', { ...ctx, allowGrossPrice: false });
		checkPeriod(p, r.period, 'rentalApplicationData.period', { periods: product?.periods });
	}

	if (body.partnerUrls !== undefined) {
		if (!isObject(body.partnerUrls)) p.add('partnerUrls', 'must be an object');
		else {
			for (const key of ['returnUrl', 'cancelUrl']) {
				if (body.partnerUrls[key] === undefined) p.add(`partnerUrls.${key}`, 'is required');
				else if (!isUrl(body.partnerUrls[key])) p.add(`partnerUrls.${key}`, 'must be an http(s) URL');
			}
			if (body.partnerUrls.callbackUrl !== undefined && !isUrl(body.partnerUrls.callbackUrl)) {
				p.add('partnerUrls.callbackUrl', 'must be an http(s) URL');
			}
		}
	}
	for (const key of ['integrationInfo', 'additionalData']) {
		if (body[key] !== undefined && !isObject(body[key]) && typeof body[key] !== 'string') p.add(key, 'must be an object or a string');
	}
	return p.list;
}

/** POST rental/products/{code}/calculations */
function validateCalculation(body, ctx) {
	const p = new Problems();
	if (!isObject(body)) {
		p.add('body', 'must be a JSON object');
		return p.list;
	}
	checkPeriod(p, body.period, 'period', ctx);
	if (body.insuranceUsed !== undefined && typeof body.insuranceUsed !== 'boolean') p.add('insuranceUsed', 'must be a boolean');
	p.optionalAmount(body, 'grossTradeInAmount', '');
	p.optionalAmount(body, 'grossCampaignDiscount', '');
	checkAssets(p, body.assets, 'assets.', { ...ctx, allowGrossPrice: true });
	return p.list;
}

/** PATCH …/asset-identifiers */
function validateAssetIdentifiers(body, allowedTypes) {
	const p = new Problems();
	if (!isObject(body)) {
		p.add('body', 'must be a JSON object');
		return p.list;
	}
	const list = body.assetIdentifiers;
	if (!Array.isArray(list) || list.length === 0) {
		p.add('assetIdentifiers', 'must be a non-empty array');
		return p.list;
	}
	list.forEach((entry, i) => {
		const at = `assetIdentifiers[${i}].`;
		if (!isObject(entry)) return p.add(at.slice(0, -1), 'must be an object');
		if (!['IMEI', 'SERIAL_NUMBER'].includes(entry.identifierType)) p.add(`${at}identifierType`, 'must be IMEI or SERIAL_NUMBER');
		else if (allowedTypes && !allowedTypes.includes(entry.identifierType)) {
			p.add(`${at}identifierType`, `is not used by the hero device's model (${allowedTypes.join(', ')})`);
		}
		if (!isText(entry.identifier)) p.add(`${at}identifier`, 'is required');
		else if (entry.identifierType === 'IMEI' && !/^\d{15}$/.test(entry.identifier)) p.add(`${at}identifier`, 'an IMEI has 15 digits');
	});
	return p.list;
}

module.exports = { CATEGORY_CODES, validatePosSession, validateCalculation, validateAssetIdentifiers };
