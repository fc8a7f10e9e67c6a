import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { name as packageName, version as packageVersion } from '../../../../package.json';
import { countryIssues, type PosSessionCreateRequest } from '../../contract/posSession';
import { formatPath } from '../../../shared/primitives';
import type { InbankConnection } from '../../../shared/transport';
import { assetFields } from '../shared/assets';
import { convert, field, formBuilder, list, object, type FormShape } from '../shared/formMap';
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

/** A JSON field of the form: parsed, and an empty object means "not sent". */
const jsonObjectField = (value: unknown, apiPath: string) => emptyObjectToUndefined(parseJsonParameter(value, apiPath));

/** The request of Create POS session and where the Fields mode form holds each of its fields. */
export const CREATE_FORM: FormShape = {
	productCode: field('productCode'),
	currency: field('currency', { fallback: 'EUR' }),
	locale: field('locale'),
	validUntil: field('additionalFields.validUntil', { convert: convert.text }),
	userIp: field('additionalFields.userIp', { convert: convert.text }),
	customerData: object(
		{
			identityCode: field('customerData.customer.identityCode', { convert: convert.orEmpty }),
			firstName: field('customerData.customer.firstName', { convert: convert.orEmpty }),
			lastName: field('customerData.customer.lastName', { convert: convert.orEmpty }),
			gender: field('customerData.customer.gender', { convert: convert.text }),
		},
		['customerData.customer'],
	),
	customerContactData: object(
		{
			email: field('customerContactData.contact.email', { convert: convert.orEmpty }),
			mobile: field('customerContactData.contact.mobile', { convert: convert.orEmpty }),
		},
		['customerContactData.contact'],
	),
	purchase: object({
		purchaseReference: field('purchaseReference', { fallback: '', convert: convert.text }),
		description: field('purchaseDescription'),
		additionalDetails: field('additionalFields.purchaseAdditionalDetails', { convert: jsonObjectField }),
		merchant: list('merchants.merchant', {
			merchantOrderReference: field('merchantOrderReference', { convert: convert.orEmpty }),
			merchantDomainName: field('merchantDomainName', { convert: convert.orEmpty }),
		}),
	}),
	rentalApplicationData: object({
		insuranceUsed: field('insuranceUsed', { fallback: true }),
		grossCampaignDiscount: field('additionalFields.grossCampaignDiscount', { convert: convert.text }),
		grossTradeInAmount: field('additionalFields.grossTradeInAmount', { convert: convert.text }),
		assets: list('assets.asset', assetFields(), 'empty'),
		period: field('period'),
	}),
	partnerUrls: object(
		{
			returnUrl: field('partnerUrls.urls.returnUrl', { convert: convert.orEmpty }),
			cancelUrl: field('partnerUrls.urls.cancelUrl', { convert: convert.orEmpty }),
			callbackUrl: field('callbackUrl', { fallback: '', convert: convert.text }),
		},
		['partnerUrls.urls', 'callbackUrl'],
	),
	// Filled in when the node runs, so that the version sent is always the one installed.
	integrationInfo: field('additionalFields.integrationInfo', {
		convert: (value, apiPath) => {
			const given = parseJsonParameter(value, apiPath);
			return given === undefined ? DEFAULT_INTEGRATION_INFO : given;
		},
	}),
	additionalData: field('additionalFields.additionalData', { convert: jsonObjectField }),
};

/** Reads the Fields mode parameters into the request body, leaving out what the user did not set. */
export const buildBodyFromFields = formBuilder(CREATE_FORM);

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

function emptyObjectToUndefined(value: unknown): unknown {
	if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) {
		return undefined;
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
