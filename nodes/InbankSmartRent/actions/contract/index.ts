import type { INodeProperties } from 'n8n-workflow';

import * as cancel from './cancel.operation';
import * as merchantApproval from './merchantApproval.operation';

export { cancel, merchantApproval };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contract'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				action: 'Cancel a contract',
				description: 'Cancel a granted contract (the order will not be delivered)',
			},
			{
				name: 'Merchant Approval',
				value: 'merchantApproval',
				action: 'Approve a contract as the merchant',
				description: 'Give the shop’s approval to a granted contract that waits for it',
			},
		],
		default: 'merchantApproval',
	},
	...merchantApproval.description,
	...cancel.description,
];
