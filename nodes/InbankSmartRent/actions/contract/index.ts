import type { INodeProperties } from 'n8n-workflow';

import * as activate from './activate.operation';
import * as approve from './approve.operation';
import * as cancel from './cancel.operation';
import * as get from './get.operation';
import * as updateAssetIdentifiers from './updateAssetIdentifiers.operation';

export { activate, approve, cancel, get, updateAssetIdentifiers };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contract'] } },
		options: [
			{
				name: 'Activate',
				value: 'activate',
				action: 'Activate contract',
				description: 'Hand the device over: Inbank then reports the session as completed (paid)',
			},
			{
				name: 'Approve',
				value: 'approve',
				action: 'Approve contract',
				description: 'Give the shop’s approval to a granted contract that waits for the merchant',
			},
			{
				name: 'Cancel',
				value: 'cancel',
				action: 'Cancel contract',
				description: 'Cancel a granted contract: the customer pays nothing and the order is not delivered',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get contract',
				description: 'Read a rental contract: status (activated = done), reference number, schedule and details',
			},
			{
				name: 'Update Asset Identifiers',
				value: 'updateAssetIdentifiers',
				action: 'Update asset identifiers',
				description: 'Register the hero device’s IMEI or serial number on a granted contract',
			},
		],
		default: 'get',
		hint: 'Once granted: Update asset identifiers, then Activate contract. Approve contract only for products that wait for it.',
	},
	...get.description,
	...updateAssetIdentifiers.description,
	...activate.description,
	...approve.description,
	...cancel.description,
];
