import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as contract from './actions/contract';
import * as posSession from './actions/posSession';
import * as rentalProduct from './actions/rentalProduct';
import { router } from './actions/router';

const resources: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Contract',
			value: 'contract',
			description: 'A granted Smart Rent contract: asset identifiers, activation, approval, cancellation',
		},
		{
			name: 'POS Session',
			value: 'posSession',
			description: 'A customer’s Smart Rent application, started by the shop for an order',
		},
		{
			name: 'Rental Product',
			value: 'rentalProduct',
			description: 'The shop’s Smart Rent product: conditions of a device and the rent for a basket',
		},
	],
	default: 'posSession',
};

const operations = [...posSession.description, ...contract.description, ...rentalProduct.description];

export class InbankSmartRent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Inbank Smart Rent',
		name: 'inbankSmartRent',
		icon: { light: 'file:inbank.svg', dark: 'file:inbank.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: subtitleExpression(operations),
		description:
			'Rent devices to customers with Inbank Smart Rent: asset conditions, rent, POS sessions and contracts',
		defaults: { name: 'Inbank Smart Rent' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'inbankApi', required: true }],
		properties: [resources, ...operations],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}

/**
 * The canvas subtitle: the action's own words ("Create POS session"), built from the operation lists so
 * that it cannot drift.
 */
function subtitleExpression(properties: INodeProperties[]): string {
	const pairs: Array<[string, string, string]> = [];
	for (const property of properties) {
		if (property.name !== 'operation' || property.type !== 'options') continue;
		const [resource] = (property.displayOptions?.show?.resource ?? []) as string[];
		for (const option of (property.options ?? []) as Array<{ value: string; action?: string }>) {
			pairs.push([resource, option.value, option.action ?? option.value]);
		}
	}
	const chain = pairs.reduceRight(
		(otherwise, [resource, operation, action]) =>
			`($parameter["resource"] === '${resource}' && $parameter["operation"] === '${operation}' ? '${action}' : ${otherwise})`,
		'$parameter["operation"]',
	);
	return `={{ ${chain} }}`;
}
