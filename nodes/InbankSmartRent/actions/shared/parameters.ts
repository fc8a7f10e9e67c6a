import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/**
 * Identifiers several operations take. Their defaults read the previous step's output, so that a
 * chain (Create → Get Session → Update Asset Identifiers → Activate) needs no typing.
 */
type Show = NonNullable<INodeProperties['displayOptions']>['show'];

export function sessionUuidParameter(show: Show): INodeProperties {
	return {
		displayName: 'POS Session UUID',
		name: 'sessionUuid',
		type: 'string',
		default: '={{ $json.uuid }}',
		required: true,
		displayOptions: { show },
		description: 'The uuid Create POS Session returned (also in every trigger item)',
	};
}

export function contractUuidParameter(show: Show): INodeProperties {
	return {
		displayName: 'Contract UUID',
		name: 'contractUuid',
		type: 'string',
		default: '={{ $json.creditContractUuid ?? $json.posSession?.creditContractUuid ?? $json.contractUuid }}',
		required: true,
		displayOptions: { show },
		description:
			'The credit contract’s uuid: creditContractUuid of Get POS Session once the session is granted',
	};
}

export function productCodeParameter(show: Show): INodeProperties {
	return {
		displayName: 'Product Code',
		name: 'productCode',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'smart_rent_ee',
		displayOptions: { show },
		description: 'The Smart Rent product code Inbank assigned to the shop',
	};
}

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
