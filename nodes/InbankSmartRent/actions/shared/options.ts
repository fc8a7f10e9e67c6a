import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT_MS, type RetryPolicy } from '../../../shared/transport';

/** "Options → Timeout", offered by every operation that calls Inbank. */
export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 300 },
	default: 30,
	description:
		'How long to wait for Inbank’s answer before the item fails: 1 to 300 seconds (an expression outside this range is brought into it)',
};

/** "Options → Retries": repeats only what is safe to repeat (see the transport's retryDecision). */
export const retriesOption: INodeProperties = {
	displayName: 'Retries',
	name: 'retries',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 5 },
	default: 2,
	description:
		'How often to repeat a failed request. A request that may change something (POST or PATCH: Create, Update, Activate, Approve, Cancel) is repeated only after a 429 (after its Retry-After), by which Inbank says it did not process it; a 5xx, a timeout or a dropped connection do not prove that, so it is never repeated for them. Reads (Get, Get Asset Conditions, Calculate Rent) are also repeated after 500, 502, 503, 504, a timeout or a dropped connection.',
};

/** "Options → Concurrency" of Create POS session: items sent in parallel, in bounded number. */
export const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 20 },
	default: 1,
	description:
		'How many items to send to Inbank at the same time (1 = one after the other). Output order and pairing stay as the input.',
};

export function readRetryPolicy(this: IExecuteFunctions, itemIndex: number): RetryPolicy {
	const options = this.getNodeParameter('options', itemIndex, {}) as { retries?: number };
	const retries = Number(options.retries ?? DEFAULT_RETRY_POLICY.retries);
	return {
		...DEFAULT_RETRY_POLICY,
		retries: Number.isInteger(retries) && retries >= 0 ? Math.min(retries, 5) : DEFAULT_RETRY_POLICY.retries,
	};
}

export function readConcurrency(this: IExecuteFunctions): number {
	const options = this.getNodeParameter('options', 0, {}) as { concurrency?: number };
	const value = Number(options.concurrency ?? 1);
	return Number.isInteger(value) && value >= 1 ? Math.min(value, 20) : 1;
}

/** The range Options → Timeout allows (seconds); an expression outside it is brought into it. */
const TIMEOUT_RANGE_SECONDS = { min: 1, max: 300 } as const;

export function readTimeoutMs(this: IExecuteFunctions, itemIndex: number): number {
	const options = this.getNodeParameter('options', itemIndex, {}) as { timeout?: unknown };
	const seconds = Number(options.timeout ?? DEFAULT_TIMEOUT_MS / 1000);
	if (!Number.isFinite(seconds) || seconds <= 0) return DEFAULT_TIMEOUT_MS;
	// n8n's HTTP helper reads 0 ms as "no timeout": never send less than the minimum, nor more than the maximum.
	const clamped = Math.min(TIMEOUT_RANGE_SECONDS.max, Math.max(TIMEOUT_RANGE_SECONDS.min, seconds));
	return Math.round(clamped * 1000);
}

/** The Options collection of an operation (every operation calls Inbank, so each has a timeout). */
export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	default: {},
	placeholder: 'Add Option',
	options: [retriesOption, timeoutOption],
};
