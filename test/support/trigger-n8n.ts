import type { IDataObject, INodeExecutionData, INodeParameters, INodeType, IWebhookResponseData } from 'n8n-workflow';

import { computeSignature } from '../../nodes/InbankSmartRentTrigger/signature';
import { FakeProcessedData, fakeTriggerExecuteContext, fakeWebhookContext } from './fake-context';
import { API_KEY, credentials } from './fixtures';

/**
 * The trigger as n8n runs it, for tests: each callback goes through what n8n does with it. webhook()
 * answers the request; when it emits an item, n8n starts an execution whose first step is the
 * trigger's execute() with that item as input; the items execute() returns are what runs downstream.
 * Workflow static data follows n8n 2.41.1: a change made in webhook() is saved only when the call
 * starts no execution. Each simulated n8n process loads the node module afresh
 * (jest.isolateModulesAsync), so a restart loses memory.
 */

/** Inbank's signed callback fields for a session's status (the message may carry more fields). */
export function signed(uuid: string, status: string, timestamp = Math.floor(Date.now() / 1000), extra: IDataObject = {}) {
	const message = JSON.stringify({ uuid, status, ...extra });
	return { hmac: computeSignature(API_KEY, String(timestamp), message), timestamp: String(timestamp), message };
}

export interface Delivery {
	response: { statusCode?: number; body?: unknown };
	result?: IWebhookResponseData;
	threw?: Error;
	/** What ran downstream (execute()'s outputs), or undefined when no execution started. */
	outputs?: INodeExecutionData[][];
	executeError?: Error;
	logs: string[];
}

/** One n8n process: its own copy of the node's module state; `db` is n8n's database, shared. */
export class N8nProcess {
	private constructor(
		readonly trigger: INodeType,
		readonly db: { processedData: FakeProcessedData; staticData: IDataObject },
		/** Where Inbank's API answers (the credential's Base URL). */
		readonly baseUrl: string,
	) {}

	static async start(baseUrl: string, db = { processedData: new FakeProcessedData(), staticData: {} as IDataObject }): Promise<N8nProcess> {
		let trigger: INodeType | undefined;
		await jest.isolateModulesAsync(async () => {
			const module = await import('../../nodes/InbankSmartRentTrigger/InbankSmartRentTrigger.node');
			trigger = new module.InbankSmartRentTrigger();
		});
		return new N8nProcess(trigger as INodeType, db, baseUrl);
	}

	/** The same database, a new process (a restart, or a second process of the same n8n). */
	async restart(): Promise<N8nProcess> {
		return await N8nProcess.start(this.baseUrl, this.db);
	}

	async deliver(
		request: { body?: unknown; query?: IDataObject; method?: string },
		parameters: INodeParameters = {},
		options: { mode?: 'webhook' | 'manual'; tamper?: (context: Record<string, unknown>) => void } = {},
	): Promise<Delivery> {
		const staticData = JSON.parse(JSON.stringify(this.db.staticData)) as IDataObject;
		const run = fakeWebhookContext({
			nodeType: this.trigger,
			parameters: { fetchSession: false, ...parameters },
			credentials: credentials(this.baseUrl),
			request: { headers: { 'content-type': 'application/x-www-form-urlencoded' }, ...request },
			staticData,
			mode: options.mode,
		});
		options.tamper?.(run.context as unknown as Record<string, unknown>);
		const delivery: Delivery = { response: run.response, logs: run.logs };
		try {
			delivery.result = await this.trigger.webhook!.call(run.context);
		} catch (error) {
			// n8n answers 500 and saves nothing.
			delivery.threw = error as Error;
			return delivery;
		}
		const workflowData = delivery.result.workflowData;
		// n8n 2.41.1 saves static data changed in webhook() only when the call starts no execution.
		if (!workflowData) {
			this.db.staticData = staticData;
			return delivery;
		}
		if (!this.trigger.execute) {
			delivery.outputs = workflowData;
			return delivery;
		}
		const execution = fakeTriggerExecuteContext({
			nodeType: this.trigger,
			parameters: { fetchSession: false, ...parameters },
			items: workflowData[0],
			processedData: this.db.processedData,
			staticData: JSON.parse(JSON.stringify(this.db.staticData)) as IDataObject,
			mode: options.mode,
		});
		try {
			delivery.outputs = (await this.trigger.execute.call(execution.context)) as INodeExecutionData[][];
		} catch (error) {
			delivery.executeError = error as Error;
		}
		// An execution's static data is saved after the run.
		this.db.staticData = execution.staticData;
		delivery.logs.push(...execution.logs);
		return delivery;
	}
}

export const ran = (delivery: Delivery) => (delivery.outputs ?? []).flat().length;
export const totalRuns = (deliveries: Delivery[]) => deliveries.reduce((sum, delivery) => sum + ran(delivery), 0);
export const ranItems = (delivery: Delivery) => (delivery.outputs ?? []).flat().map((item) => item.json);
