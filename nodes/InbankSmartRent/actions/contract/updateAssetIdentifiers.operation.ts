import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type { z } from 'zod/v3';

import { assetIdentifiersRequest } from '../../contract/smartRent';
import { displayOptionsFor } from '../legacy';
import { actionDone, executeOperation } from '../shared/operation';
import { fieldLabeler } from '../shared/labels';
import { optionsProperty } from '../shared/options';
import {
	contractUuidParameter,
	productCodeParameter,
	readRentalContract,
	rentalContractPath,
} from '../shared/parameters';

const properties: INodeProperties[] = [
	productCodeParameter,
	contractUuidParameter,
	{
		displayName: 'Asset Identifiers',
		name: 'assetIdentifiers',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: { identifier: [{ identifierType: 'IMEI', identifier: '' }] },
		required: true,
		placeholder: 'Add Identifier',
		description:
			'The hero device’s IMEI or serial number, registered before activation. Inbank accepts identifiers of the hero device only.',
		options: [
			{
				displayName: 'Identifier',
				name: 'identifier',
				values: [
					{
						displayName: 'Identifier',
						name: 'identifier',
						type: 'string',
						default: '',
						required: true,
						placeholder: '356938035643809',
						description: 'The IMEI (15 digits) or the serial number',
					},
					{
						displayName: 'Identifier Type',
						name: 'identifierType',
						type: 'options',
						options: [
							{ name: 'IMEI', value: 'IMEI' },
							{ name: 'Serial Number', value: 'SERIAL_NUMBER' },
						],
						default: 'IMEI',
					},
				],
			},
		],
	},
	optionsProperty,
];

export const description = updateDisplayOptions(
	displayOptionsFor({ resource: 'contract', operation: 'updateAssetIdentifiers' }),
	properties,
);

type Input = z.output<typeof assetIdentifiersRequest>;

/** The form's name of each field of the request. */
export const formLabels = fieldLabeler(properties, {
	'assetIdentifiers[]': 'assetIdentifiers',
	'assetIdentifiers[].identifier': 'assetIdentifiers.identifier.identifier',
	'assetIdentifiers[].identifierType': 'assetIdentifiers.identifier.identifierType',
});

export const execute = executeOperation<Input>({
	subject: 'asset identifiers update',
	schema: assetIdentifiersRequest,
	labels: () => formLabels,
	read(itemIndex, connection) {
		const entries = (this.getNodeParameter('assetIdentifiers', itemIndex, {}) as IDataObject).identifier;
		return {
			...readRentalContract.call(this, itemIndex, connection),
			assetIdentifiers: Array.isArray(entries)
				? (entries as IDataObject[]).map((entry) => ({
						identifier: entry.identifier,
						identifierType: entry.identifierType,
					}))
				: [],
		};
	},
	request: (input) => ({
		method: 'PATCH',
		path: rentalContractPath(input, '/asset-identifiers'),
		body: { assetIdentifiers: input.assetIdentifiers },
		errorCodes: {
			CONSTRAINTS_VIOLATED_GENERAL: 'the request breaks one of Inbank’s rules for this product: only the hero device (the first asset) can be identified',
		},
		howToCheck: 'look the contract up with Get contract',
	}),
	output: (input, response) => ({
		...actionDone('assetIdentifiersUpdated', input.contractUuid, response),
		assetIdentifiers: input.assetIdentifiers,
	}),
});
