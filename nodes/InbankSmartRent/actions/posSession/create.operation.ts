import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type { z } from 'zod/v3';

import {
	CURRENCIES,
	posSessionCreateRequest,
	posSessionCreateResponse,
	type PosSessionCreateRequest,
} from '../../contract/posSession';
import { showOnlyFor } from '../node.type';
import { ASSET_MODEL_NOT_FOUND_TEXT, assetsProperty, grossAmountFields } from '../shared/assets';
import { executeOperation } from '../shared/operation';
import { concurrencyOption, retriesOption, timeoutOption } from '../shared/options';
import { productCodeParameter } from '../shared/parameters';
import { parameterPaths } from '../shared/formMap';
import { fieldLabeler } from '../shared/labels';
import {
	countryProblems,
	CREATE_FORM,
	DEFAULT_INTEGRATION_INFO,
	EXAMPLE_REQUEST_BODY,
	readCreateBody,
} from './createBody';

const showFields = { show: { inputMode: ['fields'] } };

export { EXAMPLE_REQUEST_BODY, EXAMPLE_VALUES } from './createBody';

const properties: INodeProperties[] = [
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
		hint: 'Switching the mode clears what was entered in the other mode: n8n does not keep the values of fields that are hidden.',
	},
	{
		displayName: 'Request Body (JSON)',
		name: 'requestBody',
		type: 'json',
		default: JSON.stringify(EXAMPLE_REQUEST_BODY, null, 2),
		required: true,
		displayOptions: { show: { inputMode: ['json'] } },
		description:
			'The full body of POST /partner/v3/shops/{shopUuid}/pos-sessions, in Inbank’s field names. integrationInfo is added when missing. The default is an example.',
		hint: 'Replace every your_ value and your-… URL with your own: a body that still holds one is refused before anything is sent',
	},
	{ ...productCodeParameter, displayOptions: showFields },
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
		description: 'Smart Rent duration in months; must be one the product allows (see Get asset conditions)',
	},
	{ ...assetsProperty(), displayOptions: showFields },
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
		displayName: 'Purchase Reference',
		name: 'purchaseReference',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.orderId }}',
		displayOptions: showFields,
		description: 'The shop’s order ID (purchase.purchaseReference)',
		hint: 'The shop’s order ID: it comes back in every status callback and in Get POS session, to match a status to its order',
	},
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'https://n8n.example.com/webhook/…/callback',
		displayOptions: showFields,
		description:
			'Where Inbank reports status changes of the session (partnerUrls.callbackUrl). Needs Return URL and Cancel URL under Partner URLs.',
		hint: 'Paste an Inbank Smart Rent Trigger’s production URL (no status callback without it). Needs Return and Cancel URL below.',
	},
	{
		displayName: 'Partner URLs',
		name: 'partnerUrls',
		type: 'fixedCollection',
		default: {},
		placeholder: 'Add Partner URLs',
		displayOptions: showFields,
		description:
			'Where Inbank sends the customer back. Once added, return and cancel URLs are required.',
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
				// Empty by default: the package version is filled in when the node runs, so an upgrade never
				// leaves an old version saved in the workflow.
				default: '',
				placeholder: JSON.stringify(DEFAULT_INTEGRATION_INFO),
				description:
					'Describes the integration to Inbank. When empty, {"ecom_platform":"n8n","Module":"n8n-nodes-inbank@{installed version}"} is sent, with the version installed when the node runs; set it to override.',
			},
			{
				displayName: 'Purchase Additional Details (JSON)',
				name: 'purchaseAdditionalDetails',
				type: 'json',
				default: '{}',
				description: 'Details of the order not covered by other fields (purchase.additionalDetails)',
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
		options: [concurrencyOption, retriesOption, timeoutOption],
	},
];

export const description = updateDisplayOptions(
	showOnlyFor({ resource: 'posSession', operation: 'create' }),
	properties,
);

/** The form's name of each field of the request (Fields mode). */
export const formLabels = fieldLabeler(properties, parameterPaths(CREATE_FORM));

export const execute = executeOperation<PosSessionCreateRequest, z.output<typeof posSessionCreateResponse>>({
	subject: 'POS session request',
	schema: posSessionCreateRequest,
	read: readCreateBody,
	labels(itemIndex) {
		return this.getNodeParameter('inputMode', itemIndex, 'fields') === 'json' ? undefined : formLabels;
	},
	check: (body, connection) => countryProblems(body, connection.country),
	request: (body) => ({
		method: 'POST',
		path: '/pos-sessions',
		body: body as unknown as IDataObject,
		errorCodes: { ASSET_MODEL_NOT_FOUND: ASSET_MODEL_NOT_FOUND_TEXT },
		howToCheck: `look for the session in the shop’s Inbank portal${
			body.purchase.purchaseReference
				? ` (purchase reference ${JSON.stringify(body.purchase.purchaseReference.slice(0, 60))})`
				: ''
		}`,
	}),
	response: posSessionCreateResponse,
	output(body, { body: session }, connection) {
		return {
			uuid: session.uuid ?? session.posSessionUuid,
			status: session.status,
			redirectUrl: session.redirectUrl,
			// Every later Smart Rent step takes the product code: here the next node can read it.
			productCode: body.productCode,
			shopUuid: connection.shopUuid,
			environment: connection.target,
			apiBaseUrl: connection.displayBaseUrl,
			...(body.purchase.purchaseReference ? { purchaseReference: body.purchase.purchaseReference } : {}),
		};
	},
});
