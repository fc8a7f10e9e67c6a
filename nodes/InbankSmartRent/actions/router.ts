import type { IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { readConcurrency } from './shared/options';
import * as contract from './contract';
import * as posSession from './posSession';
import * as smartRent from './smartRent';

type OperationExecute = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;

/** resource -> operation -> execute; one entry per `<resource>/<operation>.operation.ts`. */
const operations: Record<string, Record<string, OperationExecute>> = {
	posSession: { create: posSession.create.execute, get: posSession.get.execute },
	smartRent: {
		getAssetConditions: smartRent.getAssetConditions.execute,
		calculate: smartRent.calculate.execute,
		getContract: smartRent.getContract.execute,
		updateAssetIdentifiers: smartRent.updateAssetIdentifiers.execute,
		activateContract: smartRent.activateContract.execute,
	},
	contract: { merchantApproval: contract.merchantApproval.execute, cancel: contract.cancel.execute },
};

/**
 * Runs the chosen operation once per input item, at most `Options → Concurrency` at a time (default
 * one after the other). Output keeps the input's order and pairing. With Continue On Fail a failing
 * item becomes one error item (paired with its input) and the other items go on; without it the
 * first failing item (in input order) fails the node once the items already under way have finished.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const results: INodeExecutionData[][] = new Array(items.length);
	const failures: Array<{ itemIndex: number; error: unknown }> = [];
	const concurrency = items.length > 1 ? readConcurrency.call(this) : 1;

	// Resource and operation take no expressions (noDataExpression): the same for every item.
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[resource]?.[operation];

	const runItem = async (itemIndex: number) => {
		try {
			if (!execute) {
				throw new NodeOperationError(
					this.getNode(),
					`The operation "${operation}" of resource "${resource}" is not supported`,
					{ itemIndex },
				);
			}
			results[itemIndex] = await execute.call(this, itemIndex);
		} catch (error) {
			if (this.continueOnFail()) {
				results[itemIndex] = [
					{ json: { error: (error as Error).message, ...errorDetails(error) }, pairedItem: { item: itemIndex } },
				];
			} else {
				failures.push({ itemIndex, error });
			}
		}
	};

	let next = 0;
	const worker = async () => {
		while (next < items.length && failures.length === 0) {
			const itemIndex = next++;
			await runItem(itemIndex);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));

	if (failures.length > 0) {
		const { error, itemIndex } = failures.sort((a, b) => a.itemIndex - b.itemIndex)[0];
		// Both constructors hand back an error of their own kind unchanged.
		if (error instanceof NodeApiError) throw new NodeApiError(this.getNode(), error as unknown as JsonObject);
		throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
	}
	return [results.flat()];
}

function errorDetails(error: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	const { description, httpCode, context } = error as {
		description?: unknown;
		httpCode?: unknown;
		context?: { errorCode?: unknown };
	};
	if (typeof description === 'string' && description) out.description = description;
	if (typeof httpCode === 'string' && httpCode) out.httpCode = httpCode;
	if (typeof context?.errorCode === 'string') out.errorCode = context.errorCode;
	return out;
}
