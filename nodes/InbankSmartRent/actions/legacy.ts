import type { INodeProperties } from 'n8n-workflow';

import type { InbankSmartRentType } from './node.type';

/**
 * Resource and operation values that workflows saved before the rename (0.1.0 development builds), and
 * what they are now. Each operation's fields are shown for its old values too (`displayOptionsFor`), so
 * an old node keeps its field values and runs unchanged; the editor shows a notice asking to re-select.
 */
const LEGACY_OPERATIONS: Record<string, Record<string, InbankSmartRentType>> = {
	smartRent: {
		getAssetConditions: { resource: 'rentalProduct', operation: 'getAssetConditions' },
		calculate: { resource: 'rentalProduct', operation: 'calculateRent' },
		getContract: { resource: 'contract', operation: 'get' },
		updateAssetIdentifiers: { resource: 'contract', operation: 'updateAssetIdentifiers' },
		activateContract: { resource: 'contract', operation: 'activate' },
	},
	contract: {
		merchantApproval: { resource: 'contract', operation: 'approve' },
	},
};

/** The current pair for a saved one (unchanged when it is current or unknown). */
export function currentOperation(resource: string, operation: string): { resource: string; operation: string } {
	return LEGACY_OPERATIONS[resource]?.[operation] ?? { resource, operation };
}

/** The displayOptions of one operation's fields: its own pair and any old pair that now means it. */
export function displayOptionsFor(target: InbankSmartRentType) {
	const resources: string[] = [target.resource];
	const operations: string[] = [target.operation];
	for (const [resource, byOperation] of Object.entries(LEGACY_OPERATIONS)) {
		for (const [operation, now] of Object.entries(byOperation)) {
			if (now.resource !== target.resource || now.operation !== target.operation) continue;
			if (!resources.includes(resource)) resources.push(resource);
			if (!operations.includes(operation)) operations.push(operation);
		}
	}
	return { show: { resource: resources, operation: operations } };
}

/** Where each renamed action is now, as the editor names it. */
const NOW_CALLED: Record<string, string> = {
	'rentalProduct.getAssetConditions': 'Rental Product → Get Asset Conditions',
	'rentalProduct.calculateRent': 'Rental Product → Calculate Rent',
	'contract.get': 'Contract → Get',
	'contract.updateAssetIdentifiers': 'Contract → Update Asset Identifiers',
	'contract.activate': 'Contract → Activate',
	'contract.approve': 'Contract → Approve',
};

/**
 * What an old node shows in the editor: a notice naming the resource and operation to choose, and for
 * the old Smart Rent resource a hidden `operation` so that n8n keeps its saved value (n8n drops a
 * parameter that no property displays).
 */
export const legacyProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'hidden',
		default: '',
		displayOptions: { show: { resource: ['smartRent'] } },
	},
	...Object.entries(LEGACY_OPERATIONS).flatMap(([resource, byOperation]) =>
		Object.entries(byOperation).map(
			([operation, now]): INodeProperties => ({
				displayName: `This node was saved with an older name of its action. It still runs; to keep it working in future versions, choose ${NOW_CALLED[`${now.resource}.${now.operation}`]} in Resource and Operation (the fields keep their values).`,
				name: 'renamedActionNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { resource: [resource], operation: [operation] } },
			}),
		),
	),
];
