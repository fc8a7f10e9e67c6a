import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type { z } from 'zod/v3';

import { ACTIVATED, rentalContractRequest, rentalContractResponse } from '../../contract/smartRent';
import { showOnlyFor } from '../node.type';
import { executeOperation } from '../shared/operation';
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
	optionsProperty,
];

export const description = updateDisplayOptions(
	showOnlyFor({ resource: 'contract', operation: 'get' }),
	properties,
);

type Input = z.output<typeof rentalContractRequest>;

const formLabels = fieldLabeler(properties);

export const execute = executeOperation<Input, z.output<typeof rentalContractResponse>>({
	subject: 'rental contract lookup',
	schema: rentalContractRequest,
	labels: () => formLabels,
	read: readRentalContract,
	request: (input) => ({
		method: 'GET',
		path: rentalContractPath(input),
	}),
	response: rentalContractResponse,
	output(_input, { body }) {
		return { ...(body as IDataObject), activated: body.status === ACTIVATED };
	},
});
