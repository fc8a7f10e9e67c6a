import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { name as packageName, version as packageVersion } from '../../../../package.json';
import {
	countryIssues,
	CURRENCIES,
	posSessionCreateRequest,
	posSessionCreateResponse,
	type PosSessionCreateRequest,
} from '../../contract/posSession';
import { formatIssues, formatPath } from '../../contract/primitives';
import { assetsProperty, buildAssets, grossAmountFields } from '../shared/assets';
import { executeOperation } from '../shared/operation';
import { concurrencyOption, retriesOption, timeoutOption } from '../shared/options';
import { productCodeParameter } from '../shared/parameters';
import { parseJsonParameter, validationError } from '../shared/validation';

const show = { show: { resource: ['posSession'], operation: ['create'] } };
const showFields = { show: { ...show.show, inputMode: ['fields'] } };

/** integrationInfo sent unless the user gives their own: tells Inbank which integration sent it. */
export const DEFAULT_INTEGRATION_INFO = {
	ecom_platform: 'n8n',
	Module: `${packageName}@${packageVersion}`,
};

export const EXAMPLE_REQUEST_BODY = {
	productCode: 'your_smart_rent_product_code',
	currency: 'EUR',
	locale: 'et-EE',
	purchase: { purchaseReference: 'order-1001', description: 'Order 1001' },
	rentalApplicationData: {
		insuranceUsed: true,
		assets: [
			{ type: 'MODEL_BASED', modelId: 'model-id-from-inbank', modelName: 'iPhone 15 128GB', netPrice: 799.9 },
			{ type: 'CATEGORY_BASED', categoryCode: 'add_on', modelName: 'Case', netPrice: 19.5 },
		],
		period: 24,
	},
	partnerUrls: {
		returnUrl: 'https://shop.example.com/inbank/return',
		cancelUrl: 'https://shop.example.com/inbank/cancel',
	},
};

export const description: INodeProperties[] = [
	{
		displayName: 'Input Mode',
		name: 'inputMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Fields',
				value: 'fields',
				description: 'Fill in each field of the POS session request',
			},
			{
				name: 'JSON',
				value: 'json',
				description:
					'Give the whole request body as JSON (expressions allowed); validated by the same rules as Fields',
			},
		],
		default: 'fields',
		displayOptions: show,
	},
	{
		displayName: 'Request Body (JSON)',
		name: 'requestBody',
		type: 'json',
		default: JSON.stringify(EXAMPLE_REQUEST_BODY, null, 2),
		required: true,
		displayOptions: { show: { ...show.show, inputMode: ['json'] } },
		description:
			'The full body of POST /partner/v3/shops/{shopUuid}/pos-sessions, in Inbank’s field names. integrationInfo is added when missing.',
	},
	productCodeParameter(showFields.show),
	{
		displayName: 'Currency',
		name: 'currency',
		type: 'options',
		options: CURRENCIES.map((code) => ({ name: code, value: code })),
		default: 'EUR',
		displayOptions: showFields,
		description: 'Currency of all amounts. Inbank lists EUR only.',
	},
	{
		displayName: 'Locale',
		name: 'locale',
		type: 'string',
		default: 'et-EE',
		required: true,
		placeholder: 'et-EE',
		displayOptions: showFields,
		description:
			'Language and country of the customer dialog, such as et-EE, lv-LV, lt-LT, pl-PL, cs-CZ or en-US',
	},
	{
		displayName: 'Period (Months)',
		name: 'period',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 24,
		required: true,
		displayOptions: showFields,
		description: 'Smart Rent duration in months; must be one the product allows (see Get Asset Conditions)',
	},
	assetsProperty(showFields),
	{
		displayName: 'Insurance Used',
		name: 'insuranceUsed',
		type: 'boolean',
		default: true,
		displayOptions: showFields,
		description: 'Whether insurance is added to the assets (Inbank’s default is true)',
	},
	{
		displayName: 'Purchase Description',
		name: 'purchaseDescription',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Order 1001: iPhone 15 with case',
		displayOptions: showFields,
		description: 'Description of the order, meaningful for the customer (purchase.description)',
	},
	{
		displayName: 'Partner URLs',
		name: 'partnerUrls',
		type: 'fixedCollection',
		default: {},
		placeholder: 'Add Partner URLs',
		displayOptions: showFields,
		description:
			'Where Inbank sends the customer back and where it sends status callbacks. Once added, return and cancel URLs are required.',
		options: [
			{
				displayName: 'URLs',
				name: 'urls',
				values: [
					{
						displayName: 'Return URL',
						name: 'returnUrl',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'https://shop.example.com/inbank/return',
						description: 'Where the customer is sent after the application dialog',
					},
					{
						displayName: 'Cancel URL',
						name: 'cancelUrl',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'https://shop.example.com/inbank/cancel',
						description: 'Where the customer is sent after cancelling the dialog on purpose',
					},
					{
						displayName: 'Callback URL',
						name: 'callbackUrl',
						type: 'string',
						default: '',
						placeholder: 'https://n8n.example.com/webhook/…',
						description:
							'Where Inbank sends server-to-server status callbacks; paste the production URL of an Inbank Smart Rent Trigger',
					},
				],
			},
		],
	},
	{
		displayName: 'Customer Data',
		name: 'customerData',
		type: 'fixedCollection',
		default: {},
		placeholder: 'Add Customer Data',
		displayOptions: showFields,
		description:
			'Pre-fills the application with the customer’s details. Optional; once added, identity code, first name and last name are required.',
		options: [
			{
				displayName: 'Customer',
				name: 'customer',
				values: [
					{
						displayName: 'Identity Code',
						name: 'identityCode',
						type: 'string',
						default: '',
						required: true,
						description: 'The customer’s personal identification code',
					},
					{
						displayName: 'First Name',
						name: 'firstName',
						type: 'string',
						default: '',
						required: true,
					},
					{
						displayName: 'Last Name',
						name: 'lastName',
						type: 'string',
						default: '',
						required: true,
					},
					{
						displayName: 'Gender',
						name: 'gender',
						type: 'options',
						options: [
							{ name: 'Not Sent', value: '' },
							{ name: 'Female', value: 'f' },
							{ name: 'Male', value: 'm' },
						],
						default: '',
					},
				],
			},
		],
	},
	{
		displayName: 'Customer Contact Data',
		name: 'customerContactData',
		type: 'fixedCollection',
		default: {},
		placeholder: 'Add Customer Contact Data',
		displayOptions: showFields,
		description:
			'Pre-fills the customer’s contact details. Optional; once added, email and mobile are required.',
		options: [
			{
				displayName: 'Contact',
				name: 'contact',
				values: [
					{
						displayName: 'Email',
						name: 'email',
						type: 'string',
						placeholder: 'name@email.com',
						default: '',
						required: true,
					},
					{
						displayName: 'Mobile',
						name: 'mobile',
						type: 'string',
						default: '',
						required: true,
						placeholder: '+37255555555',
						description: 'Mobile phone number with country code',
					},
				],
			},
		],
	},
	{
		displayName: 'Merchants',
		name: 'merchants',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Merchant',
		displayOptions: showFields,
		description:
			'The merchants supplying the purchase (purchase.merchant). Optional; each merchant needs both fields.',
		options: [
			{
				displayName: 'Merchant',
				name: 'merchant',
				values: [
					{
						displayName: 'Merchant Order Reference',
						name: 'merchantOrderReference',
						type: 'string',
						default: '',
						required: true,
					},
					{
						displayName: 'Merchant Domain Name',
						name: 'merchantDomainName',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'shop.example.com',
						description: 'The website the purchase is made on',
					},
				],
			},
		],
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		default: {},
		placeholder: 'Add Field',
		displayOptions: showFields,
		options: [
			{
				displayName: 'Additional Data (JSON)',
				name: 'additionalData',
				type: 'json',
				default: '{}',
				description: 'Any keys for the e-POS dialog, such as values to pre-fill forms (additionalData)',
			},
			...grossAmountFields,
			{
				displayName: 'Integration Info (JSON)',
				name: 'integrationInfo',
				type: 'json',
				default: JSON.stringify(DEFAULT_INTEGRATION_INFO),
				description:
					'Describes the integration to Inbank. Sent by default as {"ecom_platform":"n8n","Module":"n8n-nodes-inbank@version"}; set it to override.',
			},
			{
				displayName: 'Purchase Additional Details (JSON)',
				name: 'purchaseAdditionalDetails',
				type: 'json',
				default: '{}',
				description: 'Details of the order not covered by other fields (purchase.additionalDetails)',
			},
			{
				displayName: 'Purchase Reference',
				name: 'purchaseReference',
				type: 'string',
				default: '',
				placeholder: '1001',
				description: 'The order ID in the shop (purchase.purchaseReference); store it to match callbacks',
			},
			{
				displayName: 'User IP',
				name: 'userIp',
				type: 'string',
				default: '',
				placeholder: '203.0.113.7',
				description: 'The customer’s browser IP address as seen by the shop',
			},
			{
				displayName: 'Valid Until',
				name: 'validUntil',
				type: 'string',
				default: '',
				placeholder: '2026-12-01T18:00:00+02:00',
				description:
					'When the session expires, as an ISO 8601 date-time with UTC offset. For example {{ $now.plus({ hours: 2 }).toISO() }}.',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		default: {},
		placeholder: 'Add Option',
		displayOptions: show,
		options: [concurrencyOption, retriesOption, timeoutOption],
	},
];

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
	const integrationInfo = parseJsonParameter(fields.integrationInfo, 'integrationInfo');

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
			purchaseReference: text(fields.purchaseReference),
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
		partnerUrls: urls
			? {
					returnUrl: urls.returnUrl ?? '',
					cancelUrl: urls.cancelUrl ?? '',
					callbackUrl: text(urls.callbackUrl),
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

/** integrationInfo identifies this package unless the user gave their own. */
function withIntegrationInfo(raw: unknown): unknown {
	if (raw && typeof raw === 'object' && !Array.isArray(raw) && (raw as IDataObject).integrationInfo === undefined) {
		return { ...(raw as IDataObject), integrationInfo: DEFAULT_INTEGRATION_INFO };
	}
	return raw;
}

function countryProblems(body: PosSessionCreateRequest, country: string): string[] {
	return countryIssues(body, country).map((issue) => `${formatPath(issue.path)} ${issue.message}`);
}

/**
 * Validates a request body (from either input mode) and returns what will be sent, exactly as the
 * operation does. Throws a ValidationFailure naming every bad field.
 */
export function preparePosSessionBody(raw: unknown, country: string): PosSessionCreateRequest {
	const parsed = posSessionCreateRequest.safeParse(withIntegrationInfo(raw));
	if (!parsed.success) throw validationError(formatIssues(parsed.error.issues));
	const problems = countryProblems(parsed.data, country);
	if (problems.length > 0) throw validationError(problems);
	return parsed.data;
}

export const execute = executeOperation<PosSessionCreateRequest>({
	subject: 'POS session request',
	schema: posSessionCreateRequest,
	read(itemIndex) {
		const inputMode = this.getNodeParameter('inputMode', itemIndex, 'fields') as string;
		const raw =
			inputMode === 'json'
				? parseJsonParameter(this.getNodeParameter('requestBody', itemIndex), 'Request Body (JSON)', {
						required: true,
					})
				: buildBodyFromFields((name, fallback) => this.getNodeParameter(name, itemIndex, fallback));
		return withIntegrationInfo(raw);
	},
	check: (body, connection) => countryProblems(body, connection.country),
	request: (body) => ({ method: 'POST', path: '/pos-sessions', body: body as unknown as IDataObject }),
	response: posSessionCreateResponse,
	output(body, response, connection) {
		const session = response.body as { uuid?: string; posSessionUuid?: string; status: string; redirectUrl: string };
		return {
			uuid: session.uuid ?? session.posSessionUuid,
			status: session.status,
			redirectUrl: session.redirectUrl,
			shopUuid: connection.shopUuid,
			environment: connection.target,
			apiBaseUrl: connection.baseUrl,
			...(body.purchase.purchaseReference ? { purchaseReference: body.purchase.purchaseReference } : {}),
		};
	},
});
