import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type { z } from 'zod/v3';

import { rentalContractRequest } from '../../contract/smartRent';
import { showOnlyFor } from '../node.type';
import { ASSET_MODEL_NOT_FOUND_TEXT } from '../shared/assets';
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
	{
		displayName:
			'Activation hands the device over: Inbank then reports the session as completed (paid). Register the hero device’s IMEI or serial number first.',
		name: 'activationNotice',
		type: 'notice',
		default: '',
	},
	productCodeParameter,
	contractUuidParameter,
	optionsProperty,
];

export const description = updateDisplayOptions(
	showOnlyFor({ resource: 'contract', operation: 'activate' }),
	properties,
);

type Input = z.output<typeof rentalContractRequest>;

const formLabels = fieldLabeler(properties);

export const execute = executeOperation<Input>({
	subject: 'contract activation',
	schema: rentalContractRequest,
	labels: () => formLabels,
	read: readRentalContract,
	request: (input) => ({
		method: 'POST',
		path: rentalContractPath(input, '/activation'),
		errorCodes: { ASSET_MODEL_NOT_FOUND: ASSET_MODEL_NOT_FOUND_TEXT },
		howToCheck: 'look the contract up with Get contract: its status is activated once it took effect',
	}),
	output: (input, answer) => actionDone('activated', input.contractUuid, answer),
});
