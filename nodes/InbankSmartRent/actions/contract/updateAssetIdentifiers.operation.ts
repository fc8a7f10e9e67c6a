import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type { z } from 'zod/v3';

import { assetIdentifiersRequest } from '../../contract/smartRent';
import { showOnlyFor } from '../node.type';
import { actionDone, executeOperation } from '../shared/operation';
import { fieldLabeler } from '../shared/labels';
import { optionsProperty } from '../shared/options';
import { field, formBuilder, list, parameterPaths, type FormShape } from '../shared/formMap';
import { contractUuidParameter, productCodeOf, productCodeParameter, rentalContractPath } from '../shared/parameters';

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
	showOnlyFor({ resource: 'contract', operation: 'updateAssetIdentifiers' }),
	properties,
);

type Input = z.output<typeof assetIdentifiersRequest>;

/** The request and where the form holds each of its fields. */
const UPDATE_FORM: FormShape = {
	productCode: field('productCode'),
	contractUuid: field('contractUuid'),
	assetIdentifiers: list(
		'assetIdentifiers.identifier',
		{ identifier: field('identifier'), identifierType: field('identifierType') },
		'empty',
	),
};

const readForm = formBuilder(UPDATE_FORM);

/** The form's name of each field of the request. */
export const formLabels = fieldLabeler(properties, parameterPaths(UPDATE_FORM));

export const execute = executeOperation<Input>({
	subject: 'asset identifiers update',
	schema: assetIdentifiersRequest,
	labels: () => formLabels,
	read(itemIndex, connection) {
		const input = readForm((name, fallback) => this.getNodeParameter(name, itemIndex, fallback));
		return { ...input, productCode: productCodeOf(input.productCode, connection) };
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
	output: (input, answer) => ({
		...actionDone('assetIdentifiersUpdated', input.contractUuid, answer),
		assetIdentifiers: input.assetIdentifiers,
	}),
});
