import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';

export { create };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['posSession'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a POS session',
				description:
					'Start a Smart Rent POS session for an order and get the redirectUrl to send the customer to',
			},
		],
		default: 'create',
	},
	...create.description,
];
