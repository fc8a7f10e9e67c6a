import type { INodeProperties } from 'n8n-workflow';

import * as calculateRent from './calculateRent.operation';
import * as getAssetConditions from './getAssetConditions.operation';

export { calculateRent, getAssetConditions };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['rentalProduct'] } },
		options: [
			{
				name: 'Calculate Rent',
				value: 'calculateRent',
				action: 'Calculate rent',
				description: 'Monthly rent and totals for a period, assets, insurance, trade-in and discount',
			},
			{
				name: 'Get Asset Conditions',
				value: 'getAssetConditions',
				action: 'Get asset conditions',
				description:
					'Look a device up by EAN or manufacturer code: model ID, allowed periods, price limits, identifier types, insurance',
			},
		],
		default: 'getAssetConditions',
		hint: 'Before checkout: Get asset conditions (the model ID and periods), then Calculate rent, then Create POS session',
	},
	...getAssetConditions.description,
	...calculateRent.description,
];
