import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { showOnlyFor } from '../node.type';
import { optionsProperty } from '../shared/options';
import { contractUuidParameter } from '../shared/parameters';
import { contractCommand } from './command';

const properties: INodeProperties[] = [
	{
		displayName:
			'Approves a granted contract on the shop’s side, for products where Inbank waits for the merchant’s approval.',
		name: 'approveNotice',
		type: 'notice',
		default: '',
	},
	contractUuidParameter,
	optionsProperty,
];

export const description = updateDisplayOptions(
	showOnlyFor({ resource: 'contract', operation: 'approve' }),
	properties,
);

export const execute = contractCommand({
	suffix: 'merchant-approval',
	action: 'merchantApproved',
	subject: 'merchant approval',
	howToCheck: 'look the session up with Get POS session (or the contract in the shop’s Inbank portal)',
});
