import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type { z } from 'zod';

import { assetCountryIssues } from '../../contract/posSession';
import { formatPath } from '../../contract/primitives';
import { calculationRequest } from '../../contract/smartRent';
import { displayOptionsFor } from '../legacy';
import { ASSET_MODEL_NOT_FOUND_TEXT, assetsProperty, buildAssets, grossAmountFields } from '../shared/assets';
import { executeOperation } from '../shared/operation';
import { optionsProperty } from '../shared/options';
import { productCodeParameter } from '../shared/parameters';

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

export const execute = executeOperation<Input>({
	subject: 'rental calculation request',
	schema: calculationRequest,
	read(itemIndex) {
		const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
		const body: IDataObject = {
			period: this.getNodeParameter('period', itemIndex),
			insuranceUsed: this.getNodeParameter('insuranceUsed', itemIndex, true),
			assets: buildAssets(this.getNodeParameter('assets', itemIndex, {})) as IDataObject[],
		};
		if (fields.grossTradeInAmount !== undefined) body.grossTradeInAmount = fields.grossTradeInAmount;
		if (fields.grossCampaignDiscount !== undefined) body.grossCampaignDiscount = fields.grossCampaignDiscount;
		return { productCode: this.getNodeParameter('productCode', itemIndex), body };
	},
	check: (input, connection) =>
		assetCountryIssues(input.body.assets, connection.country, ['assets']).map(
			(issue) => `${formatPath(issue.path)} ${issue.message}`,
		),
	request: (input) => ({
		method: 'POST',
		path: `/rental/products/${encodeURIComponent(input.productCode)}/calculations`,
		body: input.body as unknown as IDataObject,
		errorCodes: { ASSET_MODEL_NOT_FOUND: ASSET_MODEL_NOT_FOUND_TEXT },
	}),
	output: (input, response) => ({ ...(response.body as IDataObject), productCode: input.productCode }),
});
