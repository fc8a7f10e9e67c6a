import type { INodeProperties } from 'n8n-workflow';

import * as activateContract from './activateContract.operation';
import * as calculate from './calculate.operation';
import * as getAssetConditions from './getAssetConditions.operation';
import * as getContract from './getContract.operation';
import * as updateAssetIdentifiers from './updateAssetIdentifiers.operation';

export { activateContract, calculate, getAssetConditions, getContract, updateAssetIdentifiers };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['smartRent'] } },
		options: [
			{
				name: 'Activate Contract',
				value: 'activateContract',
				action: 'Activate a rental contract',
				description:
					'Step 7: activate a granted contract after registering the device; Inbank then reports completed (paid)',
			},
			{
				name: 'Calculate',
				value: 'calculate',
				action: 'Calculate the rent',
				description: 'Step 2: monthly rent and totals for a period, assets, insurance, trade-in and discount',
			},
			{
				name: 'Get Asset Conditions',
				value: 'getAssetConditions',
				action: 'Get the conditions of a device model',
				description:
					'Step 1: look a device up by EAN or manufacturer code: model ID, allowed periods, price limits, identifier types, insurance',
			},
			{
				name: 'Get Contract',
				value: 'getContract',
				action: 'Get a rental contract',
				description: 'Status (activated = done), reference number, schedule and details of a rental contract',
			},
			{
				name: 'Update Asset Identifiers',
				value: 'updateAssetIdentifiers',
				action: 'Register the device identifiers',
				description: 'Step 6: register the hero device’s IMEI or serial number on a granted contract',
			},
		],
		default: 'getAssetConditions',
	},
	...getAssetConditions.description,
	...calculate.description,
	...getContract.description,
	...updateAssetIdentifiers.description,
	...activateContract.description,
];
