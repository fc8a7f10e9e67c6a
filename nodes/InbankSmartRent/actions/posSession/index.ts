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
				action: 'Create POS session',
				description: 'Start a Smart Rent application for an order and get the redirectUrl to send the customer to',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get POS session',
				description:
					'Read a session’s status and details, including creditContractUuid once granted (only completed means paid)',
			},
		],
		default: 'create',
		hint: 'At checkout: Create POS session, send the customer to its redirectUrl, follow it with the trigger or Get POS session',
	},
	...create.description,
	...get.description,
];
