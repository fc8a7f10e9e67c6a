import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { showOnlyFor } from '../node.type';
import { optionsProperty } from '../shared/options';
import { contractUuidParameter } from '../shared/parameters';
import { contractCommand } from './command';

const properties: INodeProperties[] = [
	{
		displayName: 'Cancels the contract: the customer pays nothing and the session becomes cancelled. Do not ship the order.',
		name: 'cancelNotice',
		type: 'notice',
		default: '',
	},
	contractUuidParameter,
	optionsProperty,
];

export const description = updateDisplayOptions(
	showOnlyFor({ resource: 'contract', operation: 'cancel' }),
	properties,
);

export const execute = contractCommand({
	suffix: 'cancel',
	action: 'cancelled',
	subject: 'contract cancellation',
	howToCheck: 'look the session up with Get POS session: its status is cancelled once it took effect',
});
