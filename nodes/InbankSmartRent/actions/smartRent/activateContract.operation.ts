import type { INodeProperties } from 'n8n-workflow';
import type { z } from 'zod';

import { rentalContractRequest } from '../../contract/smartRent';
import { actionDone, executeOperation } from '../shared/operation';
import { optionsProperty } from '../shared/options';
import {
	contractUuidParameter,
	productCodeParameter,
	readRentalContract,
	rentalContractPath,
} from '../shared/parameters';

const show = { resource: ['smartRent'], operation: ['activateContract'] };

export const description: INodeProperties[] = [
	{
		displayName:
			'Activation hands the device over: Inbank then reports the session as completed (paid). Register the hero device’s IMEI or serial number first.',
		name: 'activationNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	productCodeParameter(show),
	contractUuidParameter(show),
	optionsProperty(show),
];

type Input = z.output<typeof rentalContractRequest>;

export const execute = executeOperation<Input>({
	subject: 'contract activation',
	schema: rentalContractRequest,
	read: readRentalContract,
	request: (input) => ({
		method: 'POST',
		path: rentalContractPath(input, '/activation'),
	}),
	output: (input, response) => actionDone('activated', input.contractUuid, response),
});
