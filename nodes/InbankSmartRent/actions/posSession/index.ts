import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as get from './get.operation';

export { create, get };

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
					'Step 3: start a Smart Rent POS session for an order and get the redirectUrl to send the customer to',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a POS session',
				description:
					'Step 5: read a session’s status and details, including creditContractUuid once granted (only completed means paid)',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
];
