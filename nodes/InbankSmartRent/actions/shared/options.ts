import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_TIMEOUT_MS } from '../../transport';

/** "Options → Timeout", offered by every operation that calls Inbank. */
export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 300 },
	default: 30,
	description: 'How long to wait for Inbank’s answer before the item fails',
};

export function readTimeoutMs(this: IExecuteFunctions, itemIndex: number): number {
	const options = this.getNodeParameter('options', itemIndex, {}) as { timeout?: number };
	const seconds = Number(options.timeout ?? DEFAULT_TIMEOUT_MS / 1000);
	return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : DEFAULT_TIMEOUT_MS;
}

type Show = NonNullable<INodeProperties['displayOptions']>['show'];

/** The Options collection of an operation (every operation calls Inbank, so each has a timeout). */
export function optionsProperty(show: Show): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		default: {},
		placeholder: 'Add Option',
		displayOptions: { show },
		options: [timeoutOption],
	};
}
