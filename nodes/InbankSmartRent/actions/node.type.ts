import type { AllEntities } from 'n8n-workflow';

/** Every resource and its operations' values, as saved in workflows. */
type NodeMap = {
	posSession: 'create' | 'get';
	contract: 'get' | 'updateAssetIdentifiers' | 'activate' | 'approve' | 'cancel';
	rentalProduct: 'getAssetConditions' | 'calculateRent';
};

/** One resource with one of its own operations: a mismatched pair does not compile. */
export type InbankSmartRentType = AllEntities<NodeMap>;
export type Resource = InbankSmartRentType['resource'];
