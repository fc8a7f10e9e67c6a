import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as contract from './actions/contract';
import * as posSession from './actions/posSession';
import * as smartRent from './actions/smartRent';
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
			'Rent devices to customers with Inbank Smart Rent: conditions, calculation, POS sessions, contracts, device identifiers and activation',
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
						name: 'Contract',
						value: 'contract',
						description: 'A credit contract: merchant approval and cancellation',
					},
					{
						name: 'POS Session',
						value: 'posSession',
						description: 'A customer’s Smart Rent application started by the shop',
					},
					{
						name: 'Smart Rent',
						value: 'smartRent',
						description: 'Device conditions, rent calculation, rental contract, device identifiers and activation',
					},
				],
				default: 'posSession',
			},
			...posSession.description,
			...smartRent.description,
			...contract.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
