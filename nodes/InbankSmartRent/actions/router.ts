import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as contract from './contract';
import type { OperationOf, Resource } from './node.type';
import * as posSession from './posSession';
import * as rentalProduct from './rentalProduct';
import { readConcurrency } from './shared/options';

type OperationExecute = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;

/** Every resource's operations: one missing from node.type.ts, or missing here, does not compile. */
const OPERATIONS: { [R in Resource]: Record<OperationOf<R>, OperationExecute> } = {
	posSession: { create: posSession.create.execute, get: posSession.get.execute },
	contract: {
		get: contract.get.execute,
		updateAssetIdentifiers: contract.updateAssetIdentifiers.execute,
		activate: contract.activate.execute,
		approve: contract.approve.execute,
		cancel: contract.cancel.execute,
	},
	rentalProduct: {
		getAssetConditions: rentalProduct.getAssetConditions.execute,
		calculateRent: rentalProduct.calculateRent.execute,
	},
};

/**
 * The execute of the saved resource and operation. A value outside the declared options (a hand-edited
 * or foreign workflow) fails the node, naming the value: nothing runs on a guess.
 */
function resolveOperation(this: IExecuteFunctions): OperationExecute {
	// Resource and operation take no expressions (noDataExpression): the same for every item.
	const resource = this.getNodeParameter('resource', 0) as string;
	const again = { description: 'Open the node and choose Resource and Operation again.' };
	if (!Object.prototype.hasOwnProperty.call(OPERATIONS, resource)) {
		throw new NodeOperationError(this.getNode(), `The resource "${resource}" is not supported`, again);
	}
	// Read after the resource is known: n8n drops an operation that no property of the resource shows.
	const operation = this.getNodeParameter('operation', 0, '') as string;
	const operations: Record<string, OperationExecute> = OPERATIONS[resource as Resource];
	if (!Object.prototype.hasOwnProperty.call(operations, operation)) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
			again,
		);
	}
	return operations[operation];
}

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
	const execute = resolveOperation.call(this);

	const runItem = async (itemIndex: number) => {
		try {
			results[itemIndex] = await execute.call(this, itemIndex);
		} catch (error) {
			if (this.continueOnFail()) {
				results[itemIndex] = [
					{
						json: { error: (error as Error).message, ...errorDetails(error) },
						// n8n sends an item to the error output (On Error → Continue (using error output)) by
						// this field; without it the failed item would go on down the success path.
						error: asNodeError.call(this, error, itemIndex),
						pairedItem: { item: itemIndex },
					},
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
		throw asNodeError.call(this, error, itemIndex);
	}
	return [results.flat()];
}

/** n8n's own errors as they are, with the failing item's index (as n8n's Mattermost node does). */
function asNodeError(this: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(this.getNode(), error as Error, { itemIndex });
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
