import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type { z } from 'zod/v3';

import { assetCountryIssues } from '../../contract/posSession';
import { calculationRequest } from '../../contract/smartRent';
import { displayOptionsFor } from '../legacy';
import { ASSET_MODEL_NOT_FOUND_TEXT, assetsProperty, buildAssets, grossAmountFields } from '../shared/assets';
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
	displayOptionsFor({ resource: 'rentalProduct', operation: 'calculateRent' }),
	properties,
);

type Input = z.output<typeof calculationRequest>;

/** The form's name of each field of the request. */
export const formLabels = fieldLabeler(properties, {
	'body.period': 'period',
	'body.insuranceUsed': 'insuranceUsed',
	'body.assets': 'assets',
	'body.assets[]': 'assets',
	'body.assets[].type': 'assets.asset.type',
	'body.assets[].modelId': 'assets.asset.modelId',
	'body.assets[].categoryCode': 'assets.asset.categoryCode',
	'body.assets[].modelName': 'assets.asset.modelName',
	'body.assets[].netPrice': 'assets.asset.netPrice',
	'body.assets[].grossPrice': 'assets.asset.grossPrice',
	'body.grossTradeInAmount': 'additionalFields.grossTradeInAmount',
	'body.grossCampaignDiscount': 'additionalFields.grossCampaignDiscount',
});

export const execute = executeOperation<Input>({
	subject: 'rental calculation request',
	schema: calculationRequest,
	read(itemIndex, connection) {
		const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
		const body: IDataObject = {
			period: this.getNodeParameter('period', itemIndex),
			insuranceUsed: this.getNodeParameter('insuranceUsed', itemIndex, true),
			assets: buildAssets(this.getNodeParameter('assets', itemIndex, {})) as IDataObject[],
		};
		if (fields.grossTradeInAmount !== undefined) body.grossTradeInAmount = fields.grossTradeInAmount;
		if (fields.grossCampaignDiscount !== undefined) body.grossCampaignDiscount = fields.grossCampaignDiscount;
		return { productCode: productCodeOf(this.getNodeParameter('productCode', itemIndex), connection), body };
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
	output: (input, response) => ({ ...(response.body as IDataObject), productCode: input.productCode }),
});
