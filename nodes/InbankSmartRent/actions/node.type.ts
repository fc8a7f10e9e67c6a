import type { AllEntities, IDisplayOptions } from 'n8n-workflow';

/** Every resource and its operations' values, as saved in workflows. */
type NodeMap = {
	posSession: 'create' | 'get';
	contract: 'get' | 'updateAssetIdentifiers' | 'activate' | 'approve' | 'cancel';
	rentalProduct: 'getAssetConditions' | 'calculateRent';
};

/** One resource with one of its own operations: a mismatched pair does not compile. */
export type InbankSmartRentType = AllEntities<NodeMap>;
export type Resource = InbankSmartRentType['resource'];
export type OperationOf<R extends Resource> = Extract<InbankSmartRentType, { resource: R }>['operation'];

/** Where an operation's fields show: its own resource and operation only (for updateDisplayOptions). */
export function showOnlyFor(pair: InbankSmartRentType): IDisplayOptions {
	return { show: { resource: [pair.resource], operation: [pair.operation] } };
}
