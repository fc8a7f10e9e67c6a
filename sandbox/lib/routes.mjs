// The partner API v3 under /partner/v3/shops/{shopUuid}/…: bearer auth, the route table, and one
// handler per endpoint. Handlers return { status, body?, headers? }; server.mjs writes the answer.
import { createRequire } from 'node:module';

import { detailedAssetModel, findModel, IDENTIFIER_LOOKUP_TYPES, modelById } from './catalogue.mjs';
import { parseJsonBody, pathSegments } from './http.mjs';
import { calculateRent } from './pricing.mjs';
import { StateError } from './state.mjs';

const require = createRequire(import.meta.url);
const { validateAssetIdentifiers, validateCalculation, validateHeroIdentifiers, validatePosSession } = require('./validate.cjs');

export const API_PREFIX = '/partner/v3/shops/';
const FORBIDDEN = 'User is not authorized to access this resource with an explicit deny';
const NOT_FOUND = { status: 404, body: { message: 'not_found' } };
const PRODUCT_NOT_FOUND = { status: 404, body: { message: 'not_found', errorCode: 'PRODUCT_NOT_FOUND' } };

/** 400 with every problem: { message (the first, readable), errorCode, errors: [{ field, message }] }. */
function invalid(problems, errorCode = 'VALIDATION_ERROR') {
	const first = `${problems[0].field} ${problems[0].message}`;
	const more = problems.length > 1 ? ` (and ${problems.length - 1} more: see errors)` : '';
	return { status: 400, body: { message: `${first}${more}`, errorCode, errors: problems } };
}

/** The session as GET pos-sessions/{uuid} shows it (the owning shop is implied by the path). */
export function sessionView(session) {
	const { shopUuid: _shop, ...view } = session;
	return view;
}

/** The contract as GET contracts/{uuid} and GET rental/products/{code}/contracts/{uuid} show it. */
export function contractView(sb, contract) {
	const session = sb.store.sessionOf(contract);
	const rental = session.rentalApplicationData;
	const calc = calculateRent(rental, sb.shopsByUuid.get(contract.shopUuid).country);
	return {
		uuid: contract.uuid,
		status: contract.status,
		referenceNumber: contract.referenceNumber,
		productCode: contract.productCode,
		customerUuid: contract.customerUuid,
		createdAt: contract.createdAt,
		partnerApprovalAt: contract.partnerApprovalAt,
		activatedAt: contract.activatedAt,
		activatorName: contract.activatorName,
		cancelledAt: contract.cancelledAt,
		posSessionUuid: contract.posSessionUuid,
		assetIdentifiers: contract.assetIdentifiers,
		details: {
			grossTradeInAmount: rental.grossTradeInAmount ?? 0,
			grossCampaignDiscount: rental.grossCampaignDiscount ?? 0,
			totalNetPrice: calc.totalNetPrice,
			totalGrossPrice: calc.totalGrossPrice,
			insuranceUsed: rental.insuranceUsed !== false,
			rentalSchedule: calc.rentalSchedule,
		},
	};
}

// ---- handlers ------------------------------------------------------------------------------------
// (sb: the sandbox context, shop: the authenticated shop, p: path parameters, req: { query, body })

function createSession(sb, shop, _p, req) {
	if (req.body.error) return invalid([{ field: 'body', message: req.body.error }]);
	const problems = validatePosSession(req.body.json, {
		country: shop.country,
		products: sb.products,
		extraCategoryCodes: sb.options.extraCategoryCodes,
		now: sb.now(),
	});
	if (problems.length) return invalid(problems);
	const session = sb.store.createSession(shop, req.body.json, { validityMinutes: sb.options.sessionValidityMinutes });
	return { status: 201, body: { uuid: session.uuid, status: session.status, redirectUrl: `${sb.publicUrl}/session/${session.uuid}` } };
}

function getSession(sb, shop, p) {
	sb.expireDue();
	const session = sb.store.findSession(p.sessionUuid);
	return session?.shopUuid === shop.uuid ? { status: 200, body: sessionView(session) } : NOT_FOUND;
}

function getContract(sb, _shop, _p, _req, contract) {
	return { status: 200, body: contractView(sb, contract) };
}

function merchantApproval(sb, _shop, _p, _req, contract) {
	sb.store.approveContract(contract);
	return { status: 204 };
}

function cancelContract(sb, _shop, _p, _req, contract) {
	const session = sb.store.cancelContract(contract);
	void sb.notify(session);
	return { status: 204 };
}

function assetModel(sb, shop, _p, req) {
	const identifierType = req.query.get('identifierType');
	const identifier = req.query.get('identifier');
	const problems = [];
	if (identifierType === null) problems.push({ field: 'identifierType', message: 'is required (EAN or MANUFACTURER_PRODUCT_CODE)' });
	else if (!IDENTIFIER_LOOKUP_TYPES.includes(identifierType)) problems.push({ field: 'identifierType', message: 'must be EAN or MANUFACTURER_PRODUCT_CODE' });
	if (identifier === null || identifier.trim() === '') problems.push({ field: 'identifier', message: 'is required' });
	if (problems.length) return invalid(problems);
	const model = findModel(identifierType, identifier);
	if (!model) return { status: 404, body: { message: `Asset model not found for ${identifierType} ${identifier}`, errorCode: 'ASSET_MODEL_NOT_FOUND' } };
	return { status: 200, body: detailedAssetModel(model, shop.country) };
}

function calculate(sb, shop, p, req) {
	if (req.body.error) return invalid([{ field: 'body', message: req.body.error }]);
	const problems = validateCalculation(req.body.json, { country: shop.country, periods: sb.products.get(p.productCode).periods, extraCategoryCodes: sb.options.extraCategoryCodes });
	if (problems.length) return invalid(problems);
	return { status: 200, body: calculateRent(req.body.json, shop.country) };
}

function setIdentifiers(sb, _shop, _p, req, contract) {
	if (!['signed', 'approved'].includes(contract.status)) {
		throw new StateError(400, `contract is ${contract.status}; its asset identifiers can no longer change`);
	}
	if (req.body.error) return invalid([{ field: 'body', message: req.body.error }], 'CONSTRAINTS_VIOLATED_GENERAL');
	const model = modelById(contract.heroModelId);
	const problems = validateAssetIdentifiers(req.body.json, model?.assetIdentifierTypes);
	if (!problems.length) problems.push(...validateHeroIdentifiers(req.body.json.assetIdentifiers));
	if (problems.length) return invalid(problems, 'CONSTRAINTS_VIOLATED_GENERAL');
	sb.store.setIdentifiers(contract, req.body.json.assetIdentifiers);
	return { status: 204 };
}

function activate(sb, shop, _p, _req, contract) {
	const problems = sb.store.activate(contract, {
		requireMerchantApproval: sb.options.requireMerchantApproval,
		heroModelKnown: Boolean(modelById(contract.heroModelId)),
		activatorName: `${shop.name} (partner API)`,
	});
	// 422 answers carry a list of { errorCode, message }.
	if (problems.length) return { status: 422, body: problems };
	void sb.notify(sb.store.sessionOf(contract));
	return { status: 204 };
}

// ---- the route table -----------------------------------------------------------------------------
// Paths as Inbank's documentation gives them: contracts under the shop (get, merchant approval, cancel) and
// under rental/products/{productCode} (get, asset identifiers, activation).
const rental = ['rental', 'products', ':productCode'];
const ROUTES = [
	['POST', ['pos-sessions'], createSession],
	['GET', ['pos-sessions', ':sessionUuid'], getSession],
	['GET', ['contracts', ':contractUuid'], getContract],
	['POST', ['contracts', ':contractUuid', 'merchant-approval'], merchantApproval],
	['POST', ['contracts', ':contractUuid', 'cancel'], cancelContract],
	['GET', [...rental, 'detailed-asset-model'], assetModel],
	['POST', [...rental, 'calculations'], calculate],
	['GET', [...rental, 'contracts', ':contractUuid'], getContract],
	['PATCH', [...rental, 'contracts', ':contractUuid', 'asset-identifiers'], setIdentifiers],
	['POST', [...rental, 'contracts', ':contractUuid', 'activation'], activate],
];

function match(method, segments) {
	for (const [routeMethod, pattern, handler] of ROUTES) {
		if (routeMethod !== method || pattern.length !== segments.length) continue;
		const params = {};
		const ok = pattern.every((part, i) => {
			if (part.startsWith(':')) {
				params[part.slice(1)] = segments[i];
				return segments[i] !== '';
			}
			return part === segments[i];
		});
		if (ok) return { handler, params };
	}
	return undefined;
}

/** The bearer key of a request ('' when missing). */
function bearerKey(req) {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(String(req.headers.authorization ?? ''));
	return match ? match[1] : '';
}

/**
 * Answers a partner-API request: 401 without a known key, 403 with another shop's key, 404 for
 * unknown paths, sessions, contracts and products; then the route's handler. Returns
 * { status, body?, headers?, shopUuid? }.
 */
export function handleApi(sb, req, url, text) {
	// The key is checked before anything else, as an API gateway in front of Inbank would.
	const keyShop = sb.shopsByKey.get(bearerKey(req));
	if (!keyShop) return { status: 401, body: { message: 'unauthorized' } };
	if (!url.pathname.startsWith(API_PREFIX)) return NOT_FOUND;
	const segments = pathSegments(url.pathname.slice(API_PREFIX.length - 1));
	if (!segments || segments[0] === '') return NOT_FOUND;
	if (segments[0].toLowerCase() !== keyShop.uuid.toLowerCase()) return { status: 403, body: { message: FORBIDDEN } };

	const route = match(req.method, segments.slice(1));
	if (!route) return NOT_FOUND;
	const { handler, params } = route;
	if (params.productCode !== undefined && !sb.products.has(params.productCode)) return PRODUCT_NOT_FOUND;

	let contract;
	if (params.contractUuid !== undefined) {
		contract = sb.store.findContract(params.contractUuid);
		const wrongProduct = params.productCode !== undefined && contract?.productCode !== params.productCode;
		if (!contract || contract.shopUuid !== keyShop.uuid || wrongProduct) return NOT_FOUND;
	}
	const request = { query: url.searchParams, body: parseJsonBody(text, String(req.headers['content-type'] ?? '')) };
	try {
		return handler(sb, keyShop, params, request, contract);
	} catch (error) {
		if (error instanceof StateError) return { status: error.status, body: { message: error.message, errorCode: error.errorCode } };
		throw error;
	}
}
