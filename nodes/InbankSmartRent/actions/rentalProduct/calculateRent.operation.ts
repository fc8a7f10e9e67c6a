import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type { z } from 'zod/v3';

import { assetCountryIssues } from '../../contract/posSession';
import { calculationRequest, calculationResponse } from '../../contract/smartRent';
import { showOnlyFor } from '../node.type';
import { ASSET_MODEL_NOT_FOUND_TEXT, assetFields, assetsProperty, grossAmountFields } from '../shared/assets';
import { convert, field, formBuilder, list, object, parameterPaths, type FormShape } from '../shared/formMap';
import { executeOperation } from '../shared/operation';
import { optionsProperty } from '../shared/options';
import { fieldLabeler } from '../shared/labels';
import { productCodeOf, productCodeParameter } from '../shared/parameters';

const properties: INodeProperties[] = [
	productCodeParameter,
	{
		displayName: 'Period (Months)',
		name: 'period',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 24,
		required: true,
		description: 'Smart Rent duration in months; one of the periods Get asset conditions lists',
	},
	assetsProperty({ grossPrice: true }),
	{
		displayName: 'Insurance Used',
		name: 'insuranceUsed',
		type: 'boolean',
		default: true,
		description: 'Whether insurance is added to the assets (Inbank’s default is true)',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		default: {},
		placeholder: 'Add Field',
		options: [
			...grossAmountFields,
		],
	},
	optionsProperty,
];

export const description = updateDisplayOptions(
	showOnlyFor({ resource: 'rentalProduct', operation: 'calculateRent' }),
	properties,
);

type Input = z.output<typeof calculationRequest>;

/** The request and where the form holds each of its fields. */
const CALCULATE_FORM: FormShape = {
	productCode: field('productCode'),
	body: object({
		period: field('period'),
		insuranceUsed: field('insuranceUsed', { fallback: true }),
		assets: list('assets.asset', assetFields({ grossPrice: true }), 'empty'),
		grossTradeInAmount: field('additionalFields.grossTradeInAmount', { convert: convert.text }),
		grossCampaignDiscount: field('additionalFields.grossCampaignDiscount', { convert: convert.text }),
	}),
};

const readForm = formBuilder(CALCULATE_FORM);

/** The form's name of each field of the request. */
export const formLabels = fieldLabeler(properties, parameterPaths(CALCULATE_FORM));

export const execute = executeOperation<Input, z.output<typeof calculationResponse>>({
	subject: 'rental calculation request',
	schema: calculationRequest,
	read(itemIndex, connection) {
		const input = readForm((name, fallback) => this.getNodeParameter(name, itemIndex, fallback));
		return { ...input, productCode: productCodeOf(input.productCode, connection) };
	},
	labels: () => formLabels,
	check: (input, connection) => assetCountryIssues(input.body.assets, connection.country, ['body', 'assets']),
	request: (input) => ({
		method: 'POST',
		path: `/rental/products/${encodeURIComponent(input.productCode)}/calculations`,
		body: input.body as unknown as IDataObject,
		errorCodes: { ASSET_MODEL_NOT_FOUND: ASSET_MODEL_NOT_FOUND_TEXT },
		// A calculation creates nothing: it is repeated and reported like a read.
		readOnly: true,
	}),
	response: calculationResponse,
	output: (input, { body }) => ({ ...(body as IDataObject), productCode: input.productCode }),
});
