import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as posSession from './actions/posSession';
import { router } from './actions/router';

export class InbankSmartRent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Inbank Smart Rent',
		name: 'inbankSmartRent',
		icon: { light: 'file:inbank.svg', dark: 'file:inbank.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Rent devices to customers with Inbank Smart Rent: create POS sessions and send the customer to Inbank',
		defaults: { name: 'Inbank Smart Rent' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'inbankApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'POS Session',
						value: 'posSession',
						description: 'A customer’s Smart Rent application started by the shop',
					},
				],
				default: 'posSession',
			},
			...posSession.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
