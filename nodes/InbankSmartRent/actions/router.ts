import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as contract from './contract';
import { currentOperation } from './legacy';
import type { InbankSmartRentType } from './node.type';
import * as posSession from './posSession';
import * as rentalProduct from './rentalProduct';
import { readConcurrency } from './shared/options';

type OperationExecute = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;

/** The execute of a resource/operation pair; a pair that is not in node.type.ts does not compile. */
function operationOf(pair: InbankSmartRentType): OperationExecute | undefined {
	switch (pair.resource) {
		case 'posSession':
			return posSession[pair.operation]?.execute;
		case 'contract':
			return contract[pair.operation]?.execute;
		case 'rentalProduct':
			return rentalProduct[pair.operation]?.execute;
	}
}

function resolveOperation(this: IExecuteFunctions): OperationExecute {
	// Resource and operation take no expressions (noDataExpression): the same for every item.
	const saved = {
		resource: this.getNodeParameter('resource', 0) as string,
		operation: this.getNodeParameter('operation', 0) as string,
	};
	const execute = operationOf(currentOperation(saved.resource, saved.operation) as InbankSmartRentType);
	if (typeof execute !== 'function') {
		// Fail closed on a value outside the declared options (a hand-edited or foreign workflow).
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${saved.operation}" of resource "${saved.resource}" is not supported`,
			{ description: 'Open the node and choose Resource and Operation again.' },
		);
	}
	return execute;
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
