import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { InbankConnection } from '../../../shared/transport';

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
	description:
		'The uuid that Create POS session returned (also in every trigger item). Replace the default expression with a fixed value to look up one session.',
	hint: 'Reads uuid from the previous step (Create POS session or the trigger): "undefined" until connected and that step has run',
};

export const contractUuidParameter: INodeProperties = {
	displayName: 'Contract UUID',
	name: 'contractUuid',
	type: 'string',
	default: '={{ $json.creditContractUuid ?? $json.posSession?.creditContractUuid ?? $json.contractUuid }}',
	required: true,
	description:
		'The contract’s uuid: creditContractUuid of Get POS session once the session is granted. Replace the default expression with a fixed value to act on one contract.',
	hint: 'Reads creditContractUuid (or contractUuid) from the previous step: "undefined" until connected and that step has run',
};

export const productCodeParameter: INodeProperties = {
	displayName: 'Product Code',
	name: 'productCode',
	type: 'string',
	default: '',
	placeholder: 'smart_rent_ee',
	description: 'The Smart Rent product code Inbank assigned to the shop',
	hint: 'Leave empty to use Default Product Code of the Inbank API credential.',
};

/**
 * The product code of an item: the node's field, else the credential's Default Product Code (a shop's
 * product rarely changes, so it is set once there instead of in every node).
 */
export function productCodeOf(value: unknown, connection: InbankConnection): unknown {
	const empty = value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
	return empty ? connection.defaultProductCode || value : value;
}

/** Product code and contract uuid, which every rental-contract operation reads. */
export function readRentalContract(this: IExecuteFunctions, itemIndex: number, connection: InbankConnection) {
	return {
		productCode: productCodeOf(this.getNodeParameter('productCode', itemIndex), connection),
		contractUuid: this.getNodeParameter('contractUuid', itemIndex),
	};
}

export function rentalContractPath(input: { productCode: string; contractUuid: string }, suffix = ''): string {
	return `/rental/products/${encodeURIComponent(input.productCode)}/contracts/${encodeURIComponent(input.contractUuid)}${suffix}`;
}
