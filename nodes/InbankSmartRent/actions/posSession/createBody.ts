import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { name as packageName, version as packageVersion } from '../../../../package.json';
import { countryIssues, type PosSessionCreateRequest } from '../../contract/posSession';
import { formatPath } from '../../contract/primitives';
import { buildAssets } from '../shared/assets';
import type { InbankConnection } from '../../transport';
import { productCodeOf } from '../shared/parameters';
import { parseJsonParameter, ValidationFailure } from '../shared/validation';

/**
 * The body of Create POS session: built from the Fields mode parameters or taken from the JSON mode,
 * before the request schema (contract/posSession.ts) validates it.
 */

/** integrationInfo sent unless the user gives their own: tells Inbank which integration sent it. */
export const DEFAULT_INTEGRATION_INFO = {
	ecom_platform: 'n8n',
	Module: `${packageName}@${packageVersion}`,
};

/**
 * The JSON mode's default body. Its example values are refused before sending (EXAMPLE_VALUES), so the
 * default shows the shape of a request but cannot be sent as is.
 */
export const EXAMPLE_REQUEST_BODY = {
	productCode: 'your_smart_rent_product_code',
	currency: 'EUR',
	locale: 'et-EE',
	purchase: { purchaseReference: 'your_order_id', description: 'your order description' },
	rentalApplicationData: {
		insuranceUsed: true,
		assets: [
			{ type: 'MODEL_BASED', modelId: 'your_model_id_from_get_asset_conditions', modelName: 'iPhone 15 128GB', netPrice: 799.9 },
			{ type: 'CATEGORY_BASED', categoryCode: 'add_on', modelName: 'Case', netPrice: 19.5 },
		],
		period: 24,
	},
	partnerUrls: {
		returnUrl: 'https://your-shop.example.com/inbank/return',
		cancelUrl: 'https://your-shop.example.com/inbank/cancel',
		callbackUrl: 'https://your-n8n.example.com/webhook/your-trigger-id/callback',
	},
};

/** The placeholders of the default body: a body still holding one was not filled in. */
export const EXAMPLE_VALUES: ReadonlySet<string> = new Set([
	EXAMPLE_REQUEST_BODY.productCode,
	EXAMPLE_REQUEST_BODY.purchase.purchaseReference,
	EXAMPLE_REQUEST_BODY.purchase.description,
	EXAMPLE_REQUEST_BODY.rentalApplicationData.assets[0].modelId as string,
	EXAMPLE_REQUEST_BODY.partnerUrls.returnUrl,
	EXAMPLE_REQUEST_BODY.partnerUrls.cancelUrl,
	EXAMPLE_REQUEST_BODY.partnerUrls.callbackUrl,
]);

/**
 * Where each field of the request is in the Fields mode form, where the names differ (API path, [] for
 * a list entry → parameter path). The words shown come from the parameters' own displayName.
 */
export const FIELD_PARAMETER_PATHS: Record<string, string> = {
	validUntil: 'additionalFields.validUntil',
	userIp: 'additionalFields.userIp',
	'customerData.identityCode': 'customerData.customer.identityCode',
	'customerData.firstName': 'customerData.customer.firstName',
	'customerData.lastName': 'customerData.customer.lastName',
	'customerData.gender': 'customerData.customer.gender',
	'customerContactData.email': 'customerContactData.contact.email',
	'customerContactData.mobile': 'customerContactData.contact.mobile',
	'purchase.purchaseReference': 'purchaseReference',
	'purchase.description': 'purchaseDescription',
	'purchase.additionalDetails': 'additionalFields.purchaseAdditionalDetails',
	'purchase.merchant': 'merchants',
	'purchase.merchant[]': 'merchants',
	'purchase.merchant[].merchantOrderReference': 'merchants.merchant.merchantOrderReference',
	'purchase.merchant[].merchantDomainName': 'merchants.merchant.merchantDomainName',
	'rentalApplicationData.insuranceUsed': 'insuranceUsed',
	'rentalApplicationData.grossCampaignDiscount': 'additionalFields.grossCampaignDiscount',
	'rentalApplicationData.grossTradeInAmount': 'additionalFields.grossTradeInAmount',
	'rentalApplicationData.assets': 'assets',
	'rentalApplicationData.assets[]': 'assets',
	'rentalApplicationData.assets[].type': 'assets.asset.type',
	'rentalApplicationData.assets[].modelId': 'assets.asset.modelId',
	'rentalApplicationData.assets[].categoryCode': 'assets.asset.categoryCode',
	'rentalApplicationData.assets[].modelName': 'assets.asset.modelName',
	'rentalApplicationData.assets[].netPrice': 'assets.asset.netPrice',
	'rentalApplicationData.period': 'period',
	'partnerUrls.returnUrl': 'partnerUrls.urls.returnUrl',
	'partnerUrls.cancelUrl': 'partnerUrls.urls.cancelUrl',
	'partnerUrls.callbackUrl': 'callbackUrl',
	integrationInfo: 'additionalFields.integrationInfo',
	additionalData: 'additionalFields.additionalData',
};

/** The raw body of one item, from whichever input mode the node is in. */
export function readCreateBody(this: IExecuteFunctions, itemIndex: number, connection?: InbankConnection): unknown {
	const inputMode = this.getNodeParameter('inputMode', itemIndex, 'fields') as string;
	if (inputMode !== 'json') {
		const body = buildBodyFromFields((name, fallback) => this.getNodeParameter(name, itemIndex, fallback));
		if (connection) body.productCode = productCodeOf(body.productCode, connection) as string;
		return body;
	}
	const raw = parseJsonParameter(this.getNodeParameter('requestBody', itemIndex), 'Request Body (JSON)', {
		required: true,
	});
	const examples = exampleValuesIn(raw);
	if (examples.length > 0) {
		throw new ValidationFailure(
			examples.map(
				(found) =>
					`Request Body (JSON) → ${found.path} still holds the example value ${JSON.stringify(found.value)} of the default body: replace it with your own`,
			),
		);
	}
	if (connection && raw && typeof raw === 'object' && !Array.isArray(raw)) {
		const body = raw as IDataObject;
		const productCode = productCodeOf(body.productCode, connection);
		if (productCode !== body.productCode) return withIntegrationInfo({ ...body, productCode });
	}
	return withIntegrationInfo(raw);
}

/** Where a JSON body still holds a placeholder of the default body (EXAMPLE_VALUES). */
export function exampleValuesIn(value: unknown, path: Array<string | number> = []): Array<{ path: string; value: string }> {
	if (typeof value === 'string') {
		return EXAMPLE_VALUES.has(value.trim()) ? [{ path: formatPath(path), value: value.trim() }] : [];
	}
	if (Array.isArray(value)) return value.flatMap((entry, index) => exampleValuesIn(entry, [...path, index]));
	if (value && typeof value === 'object') {
		return Object.entries(value).flatMap(([key, entry]) => exampleValuesIn(entry, [...path, key]));
	}
	return [];
}

/** Reads the Fields mode parameters into the request body, leaving out what the user did not set. */
export function buildBodyFromFields(get: (name: string, fallback?: unknown) => unknown): IDataObject {
	const fields = (get('additionalFields', {}) ?? {}) as IDataObject;
	const text = (value: unknown) => (value === '' || value === undefined || value === null ? undefined : value);
	const numberOrUndefined = (key: string) =>
		fields[key] === undefined || fields[key] === '' ? undefined : fields[key];

	const customer = (get('customerData', {}) as IDataObject)?.customer as IDataObject | undefined;
	const contact = (get('customerContactData', {}) as IDataObject)?.contact as IDataObject | undefined;
	const merchants = (get('merchants', {}) as IDataObject)?.merchant as IDataObject[] | undefined;
	const urls = (get('partnerUrls', {}) as IDataObject)?.urls as IDataObject | undefined;
	const integrationInfo = currentIntegrationInfo(parseJsonParameter(fields.integrationInfo, 'integrationInfo'));
	const callbackUrl = text(get('callbackUrl', ''));

	const body: Record<string, unknown> = {
		productCode: get('productCode'),
		currency: get('currency', 'EUR'),
		locale: get('locale'),
		validUntil: text(fields.validUntil),
		userIp: text(fields.userIp),
		customerData: customer
			? {
					identityCode: customer.identityCode ?? '',
					firstName: customer.firstName ?? '',
					lastName: customer.lastName ?? '',
					gender: text(customer.gender),
				}
			: undefined,
		customerContactData: contact
			? { email: contact.email ?? '', mobile: contact.mobile ?? '' }
			: undefined,
		purchase: {
			purchaseReference: text(get('purchaseReference', '')),
			description: get('purchaseDescription'),
			additionalDetails: emptyObjectToUndefined(
				parseJsonParameter(fields.purchaseAdditionalDetails, 'purchase.additionalDetails'),
			),
			merchant:
				merchants && merchants.length > 0
					? merchants.map((entry) => ({
							merchantOrderReference: entry.merchantOrderReference ?? '',
							merchantDomainName: entry.merchantDomainName ?? '',
						}))
					: undefined,
		},
		rentalApplicationData: {
			insuranceUsed: get('insuranceUsed', true),
			grossCampaignDiscount: numberOrUndefined('grossCampaignDiscount'),
			grossTradeInAmount: numberOrUndefined('grossTradeInAmount'),
			assets: buildAssets(get('assets', {})),
			period: get('period'),
		},
		partnerUrls:
			urls || callbackUrl
				? {
						returnUrl: urls?.returnUrl ?? '',
						cancelUrl: urls?.cancelUrl ?? '',
						callbackUrl,
					}
				: undefined,
		// The default here rather than in withIntegrationInfo: no second copy of the body per item.
		integrationInfo: integrationInfo === undefined ? DEFAULT_INTEGRATION_INFO : integrationInfo,
		additionalData: emptyObjectToUndefined(
			parseJsonParameter(fields.additionalData, 'additionalData'),
		),
	};
	return dropUndefined(body) as IDataObject;
}

function emptyObjectToUndefined(value: unknown): unknown {
	if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) {
		return undefined;
	}
	return value;
}

function dropUndefined(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(dropUndefined);
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		// for…in over a plain object: no entries array per object (this runs for every item).
		for (const key in value) {
			const entry = (value as Record<string, unknown>)[key];
			if (entry !== undefined) out[key] = dropUndefined(entry);
		}
		return out;
	}
	return value;
}

const OUR_MODULE = new RegExp(`^${packageName}@`);

/**
 * A saved integrationInfo that only names this package (the default that older versions saved into
 * the workflow) is sent with the version that runs now, not the one it was saved with.
 */
function currentIntegrationInfo(value: unknown): unknown {
	const info = value as IDataObject | undefined;
	if (
		info &&
		typeof info === 'object' &&
		Object.keys(info).length === 2 &&
		info.ecom_platform === DEFAULT_INTEGRATION_INFO.ecom_platform &&
		typeof info.Module === 'string' &&
		OUR_MODULE.test(info.Module)
	) {
		return DEFAULT_INTEGRATION_INFO;
	}
	return value;
}

/** integrationInfo identifies this package unless the user gave their own. */
function withIntegrationInfo(raw: unknown): unknown {
	if (raw && typeof raw === 'object' && !Array.isArray(raw) && (raw as IDataObject).integrationInfo === undefined) {
		return { ...(raw as IDataObject), integrationInfo: DEFAULT_INTEGRATION_INFO };
	}
	return raw;
}

/** Rules that need the credential's country, as sentences naming the field. */
export function countryProblems(body: PosSessionCreateRequest, country: string) {
	return countryIssues(body, country);
}
