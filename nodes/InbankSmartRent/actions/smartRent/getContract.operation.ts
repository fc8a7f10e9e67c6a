import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { z } from 'zod';

import { ACTIVATED, rentalContractRequest, rentalContractResponse } from '../../contract/smartRent';
import { executeOperation } from '../shared/operation';
import { optionsProperty } from '../shared/options';
import { contractUuidParameter, productCodeParameter } from '../shared/parameters';

const show = { resource: ['smartRent'], operation: ['getContract'] };

export const description: INodeProperties[] = [
	productCodeParameter(show),
	contractUuidParameter(show),
	optionsProperty(show),
];

type Input = z.output<typeof rentalContractRequest>;

export const execute = executeOperation<Input>({
	subject: 'rental contract lookup',
	schema: rentalContractRequest,
	read(itemIndex) {
		return {
			productCode: this.getNodeParameter('productCode', itemIndex),
			contractUuid: this.getNodeParameter('contractUuid', itemIndex),
		};
	},
	request: (input) => ({
		method: 'GET',
		path: `/rental/products/${encodeURIComponent(input.productCode)}/contracts/${encodeURIComponent(input.contractUuid)}`,
	}),
	response: rentalContractResponse,
	output(_input, response) {
		const contract = response.body as IDataObject;
		return { ...contract, activated: contract.status === ACTIVATED };
	},
});
