import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/**
 * Identifiers several operations take. Their defaults read the previous step's output, so that a
 * chain (Create POS session → Get POS session → Update asset identifiers → Activate contract) needs no typing.
 */
export const sessionUuidParameter: INodeProperties = {
	displayName: 'POS Session UUID',
	name: 'sessionUuid',
	type: 'string',
	default: '={{ $json.uuid }}',
	required: true,
	description: 'The uuid that Create POS session returned (also in every trigger item)',
};

export const contractUuidParameter: INodeProperties = {
	displayName: 'Contract UUID',
	name: 'contractUuid',
	type: 'string',
	default: '={{ $json.creditContractUuid ?? $json.posSession?.creditContractUuid ?? $json.contractUuid }}',
	required: true,
	description: 'The contract’s uuid: creditContractUuid of Get POS session once the session is granted',
};

export const productCodeParameter: INodeProperties = {
	displayName: 'Product Code',
	name: 'productCode',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'smart_rent_ee',
	description: 'The Smart Rent product code Inbank assigned to the shop',
};

/** Product code and contract uuid, which every rental-contract operation reads. */
export function readRentalContract(this: IExecuteFunctions, itemIndex: number) {
	return {
		productCode: this.getNodeParameter('productCode', itemIndex),
		contractUuid: this.getNodeParameter('contractUuid', itemIndex),
	};
}

export function rentalContractPath(input: { productCode: string; contractUuid: string }, suffix = ''): string {
	return `/rental/products/${encodeURIComponent(input.productCode)}/contracts/${encodeURIComponent(input.contractUuid)}${suffix}`;
}
