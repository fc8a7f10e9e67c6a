import type { IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

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
 * Runs the chosen operation once per input item. With Continue On Fail a failing item becomes one
 * error item (paired with its input) and the other items go on.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const returnData: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const resource = this.getNodeParameter('resource', itemIndex) as string;
		const operation = this.getNodeParameter('operation', itemIndex) as string;
		const execute = operations[resource]?.[operation];
		try {
			if (!execute) {
				throw new NodeOperationError(
					this.getNode(),
					`The operation "${operation}" of resource "${resource}" is not supported`,
					{ itemIndex },
				);
			}
			returnData.push(...(await execute.call(this, itemIndex)));
		} catch (error) {
			if (this.continueOnFail()) {
				returnData.push({
					json: { error: (error as Error).message, ...errorDetails(error) },
					pairedItem: { item: itemIndex },
				});
				continue;
			}
			// Both constructors hand back an error of their own kind unchanged.
			if (error instanceof NodeApiError) throw new NodeApiError(this.getNode(), error as unknown as JsonObject);
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		}
	}
	return [returnData];
}

function errorDetails(error: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	const { description, httpCode } = error as { description?: unknown; httpCode?: unknown };
	if (typeof description === 'string' && description) out.description = description;
	if (typeof httpCode === 'string' && httpCode) out.httpCode = httpCode;
	return out;
}
