import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type { z } from 'zod/v3';

import { assetConditionsRequest, assetConditionsResponse } from '../../contract/smartRent';
import { showOnlyFor } from '../node.type';
import { executeOperation } from '../shared/operation';
import { optionsProperty } from '../shared/options';
import { fieldLabeler } from '../shared/labels';
import { productCodeOf, productCodeParameter } from '../shared/parameters';

const properties: INodeProperties[] = [
	productCodeParameter,
	{
		displayName: 'Identifier Type',
		name: 'identifierType',
		type: 'options',
		options: [
			{ name: 'EAN', value: 'EAN', description: 'The barcode number on the box' },
			{
				name: 'Manufacturer Product Code',
				value: 'MANUFACTURER_PRODUCT_CODE',
				description: 'The manufacturer’s part number, such as MTP43QN/A',
			},
		],
		default: 'EAN',
		description: 'How the device is identified',
	},
	{
		displayName: 'Identifier',
		name: 'identifier',
		type: 'string',
		default: '',
		required: true,
		placeholder: '0195949036965',
		description: 'The EAN or manufacturer product code of the device',
	},
	optionsProperty,
];

export const description = updateDisplayOptions(
	showOnlyFor({ resource: 'rentalProduct', operation: 'getAssetConditions' }),
	properties,
);

type Input = z.output<typeof assetConditionsRequest>;

const formLabels = fieldLabeler(properties);

export const execute = executeOperation<Input, z.output<typeof assetConditionsResponse>>({
	subject: 'asset conditions request',
	schema: assetConditionsRequest,
	labels: () => formLabels,
	read(itemIndex, connection) {
		return {
			productCode: productCodeOf(this.getNodeParameter('productCode', itemIndex), connection),
			identifierType: this.getNodeParameter('identifierType', itemIndex),
			identifier: this.getNodeParameter('identifier', itemIndex),
		};
	},
	request: (input) => ({
		method: 'GET',
		path: `/rental/products/${encodeURIComponent(input.productCode)}/detailed-asset-model`,
		qs: { identifierType: input.identifierType, identifier: input.identifier },
	}),
	response: assetConditionsResponse,
	output(input, { body }) {
		// modelId is what an asset of Create POS session / Calculate rent takes.
		return { ...(body as IDataObject), modelId: String(body.id), productCode: input.productCode };
	},
});
