import type {
	IExecuteFunctions,
	IHookFunctions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { canonicalUuid, isPosSessionStatus, POS_SESSION_STATUS_OPTIONS, POS_SESSION_STATUSES, REPLAY_WINDOW, type PosSessionStatus } from '../shared/domain';
import { claimDeliveries, ClaimTimeoutError, DEFAULT_REMEMBERED, deliveryKey, MAX_REMEMBERED, MIN_REMEMBERED, nodeMemory } from './ledger';
import { quote } from './quote';
import { FIX, refusalIn } from './refusals';
import {
	acknowledge,
	ANSWER_OK,
	buildItem,
	markArrival,
	MIN_TOKEN_LENGTH,
	readSession,
	readSettings,
	refuse,
	verifyCallback,
} from './TriggerHelpers';
import {
	COMBINED_DESCRIPTION,
	FETCH_SESSION_DESCRIPTION,
	OUTPUTS_EXPRESSION,
	routedItemHint,
	routedStatuses,
	SETUP_CALLOUT,
	TOKEN_URL_SHAPE,
	TRIGGER_PANEL,
} from './ui';

/** The Replay Window field offers what readSettings accepts. */
const { min: MIN_REPLAY_WINDOW, max: MAX_REPLAY_WINDOW, default: DEFAULT_REPLAY_WINDOW } = REPLAY_WINDOW;

/** The ledger of one trigger node: per workflow and node, test events apart from production. */
function scopeOf(workflowId: string | undefined, nodeId: string, mode: string): string {
	return `${workflowId ?? ''}:${nodeId}:${mode === 'manual' ? 'test' : 'live'}`;
}

export class InbankSmartRentTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Inbank Smart Rent Trigger',
		name: 'inbankSmartRentTrigger',
		icon: { light: 'file:inbank.svg', dark: 'file:inbank.dark.svg' },
		group: ['trigger'],
		// Not 1: on every request to a webhook node whose typeVersion is exactly 1, n8n evaluates an extra
		// expression while parsing the body, a measured cost per callback (BENCHMARKS.md,
		// docs/n8n-behaviours.md). Any version above 1 avoids it.
		version: 2,
		subtitle:
			'={{ {"signature": "Signed callbacks", "urlToken": "Callbacks with a URL token", "none": "Unverified callbacks"}[$parameter["verification"]] ?? "Callbacks" }}',
		// n8n's nodes panel shows one entry for this package's two nodes, with the trigger's description
		// (generateMergedNodesAndActions in n8n's editor, 1.x and 2.x): it speaks for both.
		description: COMBINED_DESCRIPTION,
		defaults: { name: 'Inbank Smart Rent Trigger' },
		inputs: [],
		// n8n evaluates this expression where it draws or checks the node, never per callback (see BENCHMARKS.md).
		outputs: OUTPUTS_EXPRESSION,
		credentials: [{ name: 'inbankApi', required: true }],
		triggerPanel: TRIGGER_PANEL,
		// responseData is the body n8n (1.x and 2.x) answers when the webhook starts an execution in
		// onReceived mode: without it n8n sends the text "firstEntryJson". Calls that start nothing are
		// answered with webhookResponse, the same OK.
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: ANSWER_OK, path: 'callback' },
			// Shops that forward the browser's return parameters may do so with GET.
			{ name: 'default', httpMethod: 'GET', responseMode: 'onReceived', responseData: ANSWER_OK, path: 'callback' },
		],
		properties: [
			{
				// A callout (information), so that it does not look like the warnings below.
				displayName: SETUP_CALLOUT,
				name: 'productionUrlCallout',
				type: 'callout',
				default: '',
			},
			{
				displayName: 'Verification',
				name: 'verification',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Inbank Signature',
						value: 'signature',
						description:
							'HMAC-SHA512 with the credential’s API key over timestamp + "." + message, within a replay window (recommended)',
					},
					{
						name: 'Secret Token in the Callback URL',
						value: 'urlToken',
						description: 'For setups without signatures: callbacks must carry ?token=your-secret in the URL',
					},
					{
						name: 'None (Insecure)',
						value: 'none',
						description: 'Accept any callback. Anyone who knows the URL can start this workflow.',
					},
				],
				default: 'signature',
			},
			{
				displayName:
					'Insecure: with no verification, anyone who knows this URL can send a callback. Keep Verify Then Fetch Session (below) on: the workflow then runs only on Inbank’s own record of the session, and a callback Inbank does not confirm starts nothing.',
				name: 'insecureNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { verification: ['none'] } },
			},
			{
				displayName: 'Replay Window (Seconds)',
				name: 'replayWindowSeconds',
				type: 'number',
				typeOptions: { minValue: MIN_REPLAY_WINDOW, maxValue: MAX_REPLAY_WINDOW },
				default: DEFAULT_REPLAY_WINDOW,
				displayOptions: { show: { verification: ['signature'] } },
				description:
					'Signed callbacks whose timestamp is older (or further in the future) than this are refused',
			},
			{
				displayName: 'Callback Token',
				name: 'callbackToken',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				required: true,
				displayOptions: { show: { verification: ['urlToken'] } },
				description: `A random secret of at least ${MIN_TOKEN_LENGTH} characters, e.g. from a password generator`,
				hint: `Callback URL to paste: ${TOKEN_URL_SHAPE}`,
			},
			{
				displayName: `With a token, the Callback URL of POS Session → Create is the Production URL followed by <code>?token=</code> and this token: <code>${TOKEN_URL_SHAPE}</code>`,
				name: 'tokenUrlCallout',
				type: 'callout',
				default: '',
				displayOptions: { show: { verification: ['urlToken'] } },
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: POS_SESSION_STATUS_OPTIONS,
				default: [...POS_SESSION_STATUSES],
				description:
					'Which statuses start the workflow. Others are acknowledged (HTTP 200) and start nothing.',
			},
			{
				displayName: 'Route Each Status to Its Own Output',
				name: 'routeByStatus',
				type: 'boolean',
				default: false,
				description:
					'Whether to give the node one output per selected status, named after it, instead of one output for all',
			},
			{
				displayName:
					'n8n keeps connections by output position: after changing Statuses, check that each output (named after its status) still leads to the right step.',
				name: 'routedOutputsNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { routeByStatus: [true] } },
			},
			{
				displayName: 'Verify Then Fetch Session',
				name: 'fetchSession',
				type: 'boolean',
				default: true,
				description: FETCH_SESSION_DESCRIPTION,
			},
			{
				displayName:
					'Without Verify Then Fetch Session, each callback runs on the status it carries, in the order it arrives: a late “granted” that comes after “completed” still runs. Turn it on to run only what Inbank’s record confirms.',
				name: 'unorderedNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { verification: ['signature'], fetchSession: [false] } },
			},
			{
				displayName:
					'Without a signature and without Verify Then Fetch Session, the workflow acts on whatever status the caller sends, in any order: anyone who has the URL (and token) can make it run “completed”, and a late “granted” after “completed” still runs. Turn Verify Then Fetch Session on so that it runs only on Inbank’s own record.',
				name: 'unverifiedStatusNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { verification: ['urlToken', 'none'], fetchSession: [false] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Remember Deliveries',
						name: 'rememberDeliveries',
						type: 'number',
						typeOptions: { minValue: MIN_REMEMBERED, maxValue: MAX_REMEMBERED, numberPrecision: 0 },
						default: DEFAULT_REMEMBERED,
						description:
							'How many handled deliveries (session + status) n8n keeps, oldest forgotten first, so that a repeat starts no second execution. Each takes about 27 bytes in n8n’s database.',
					},
				],
			},
		],
	};


	// Inbank has no API to register or remove callback URLs: the URL travels in each POS session's
	// partnerUrls.callbackUrl, so there is nothing to do. The methods stay only because `n8n-node lint`
	// (rule @n8n/community-nodes/webhook-lifecycle-complete, an error in the strict config) requires
	// webhookMethods.default.{checkExists, create, delete} on every node that declares webhooks.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	/**
	 * Accepts or refuses a callback and hands an accepted one to n8n. The final duplicate check happens
	 * in execute(), the first step of the execution this starts; here an obvious repeat (one this
	 * process has handled or is handling) is acknowledged without starting anything.
	 */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const nowMs = Date.now();
		const arrival = markArrival();
		const settings = readSettings((name, fallback) => this.getNodeParameter(name, fallback));
		if (!settings.ok) return refuse.call(this, { code: 503, reason: `the node is misconfigured: ${settings.reason}`, fix: FIX.misconfigured });
		const verified = await verifyCallback.call(this, settings.value, nowMs);
		if (!verified.ok) return refuse.call(this, verified);
		const callback = verified.callback;
		// Editor test events always run; they leave no trace that could stop a production delivery.
		const manual = this.getMode() === 'manual';
		const node = this.getNode();
		const memory = nodeMemory(scopeOf(this.getWorkflow().id, node.id, this.getMode()));
		// A copy of a delivery this process has handled needs no session read (and spends no request with
		// the shop's key): the status it names was run, whatever the record says by now.
		const copyOf = manual || !callback.status ? undefined : memory.state(deliveryKey(callback.uuid, callback.status), nowMs);
		if (copyOf && callback.status) return acknowledge.call(this, repeatReason(callback.status, callback.uuid, copyOf));

		const read = await readSession.call(this, settings.value, callback, { arrival, nowMs, staleSeconds: verified.staleSeconds });
		if (!read.ok) return read.code === 503 ? refuse.call(this, read) : acknowledge.call(this, read.reason, read.level);
		if (!settings.value.statuses.has(read.status)) return acknowledge.call(this, `status ${read.status} is not selected`);

		const item = buildItem(settings.value, callback, read, nowMs);
		if (manual) return { webhookResponse: ANSWER_OK, workflowData: [[{ json: item }]] };

		const key = deliveryKey(read.uuid, read.status);
		const seen = memory.state(key, nowMs);
		if (seen) return acknowledge.call(this, repeatReason(read.status, read.uuid, seen));
		// The last step: nothing after it can fail, so a mark is never left behind by an error.
		memory.markInFlight(key, nowMs);
		return { webhookResponse: ANSWER_OK, workflowData: [[{ json: item }]] };
	}

	/**
	 * The first step of every execution the webhook starts (n8n runs a node's execute() before treating
	 * it as a webhook pass-through). Claims each delivery in n8n's processed-data store, so that a
	 * delivery runs once across restarts and processes, and emits nothing for one already handled.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const node = this.getNode();
		// A test event the webhook refused: the test run fails with the reason, so that the editor shows it.
		const refused = items.map(refusalIn).find((refusal) => refusal !== undefined);
		if (refused) {
			throw new NodeOperationError(node, `Callback refused (HTTP ${refused.httpStatus}): ${refused.reason}`, {
				description: `${refused.fix} The sender was answered HTTP ${refused.httpStatus}; in production this callback starts nothing. Click Execute step to listen again.`,
			});
		}
		const mode = this.getMode();
		const settings = readSettings((name, fallback) => this.getNodeParameter(name, 0, fallback));
		if (!settings.ok) throw new NodeOperationError(node, `The trigger is misconfigured: ${settings.reason}`);
		// The same outputs, in the same order, as the outputs expression gives this node.
		const routed = settings.value.routeByStatus ? routedStatuses(settings.value.statuses) : undefined;
		const outputs: INodeExecutionData[][] = routed ? routed.map(() => []) : [[]];
		const route = (status: PosSessionStatus) => (routed ? routed.indexOf(status) : 0);
		const scope = scopeOf(this.getWorkflow().id, node.id, mode);
		const memory = nodeMemory(scope);

		const deliveries: Array<{ index: number; status: PosSessionStatus; key: string }> = [];
		items.forEach((item, index) => {
			const { status } = item.json;
			const uuid = canonicalUuid(item.json.uuid);
			if (uuid !== undefined && isPosSessionStatus(status)) {
				// Not one of the node's outputs (not selected): not claimed, so selecting it later still runs it.
				if (route(status) < 0) this.logger.debug(`Inbank Smart Rent Trigger: input item ${index} has status ${status}, which is not selected; skipped`);
				else deliveries.push({ index, status, key: deliveryKey(uuid, status) });
			} else {
				this.logger.warn(`Inbank Smart Rent Trigger: input item ${index} is not a callback (no session uuid and status); skipped`);
			}
		});
		if (deliveries.length === 0) return outputs;

		// Editor test events run every time and leave no trace that could stop a production delivery.
		if (mode === 'manual') {
			for (const { index, status } of deliveries) outputs[route(status)].push({ json: items[index].json, pairedItem: { item: index } });
			if (routed) this.addExecutionHints(routedItemHint(deliveries.map((delivery) => delivery.status)));
			return outputs;
		}

		const keys = deliveries.map((delivery) => delivery.key);
		let claim;
		try {
			claim = await claimDeliveries(this, scope, keys, settings.value.remembered);
		} catch (error) {
			for (const key of keys) memory.forget(key);
			throw claimError(node, error);
		}
		if (claim.store === 'staticData') warnNoProcessedData.call(this);
		// A retry (Executions → Retry) of an execution that failed or crashed in or after this step: the user
		// asks for this delivery to run, and its claim may be this execution's own from the first attempt.
		const retried = mode === 'retry';
		const nowMs = Date.now();
		for (const { index, status, key } of deliveries) {
			memory.markHandled(key, nowMs, settings.value.remembered);
			if (!claim.fresh.has(key) && !retried) {
				this.logger.debug(`Inbank Smart Rent Trigger: ${status} for session ${quote(items[index].json.uuid)} was handled before; nothing emitted`);
				continue;
			}
			if (!claim.fresh.has(key)) {
				this.logger.info(`Inbank Smart Rent Trigger: ${status} for session ${quote(items[index].json.uuid)} was claimed before; emitted again because this execution is a retry`);
			}
			outputs[route(status)].push({ json: items[index].json, pairedItem: { item: index } });
		}
		return outputs;
	}
}

function repeatReason(status: PosSessionStatus, uuid: string, seen: 'handled' | 'inFlight'): string {
	return `repeat of ${status} for session ${quote(uuid)} (${seen === 'handled' ? 'already handled' : 'being handled'})`;
}

/** What the user sees when a claim could not be made: what happened, and that a retry runs the delivery. */
function claimError(node: INode, error: unknown): NodeOperationError {
	const retry = 'Inbank was already answered, so it will not send this callback again: retry this execution (Executions → Retry) once n8n’s database answers; a retry runs the delivery.';
	if (error instanceof ClaimTimeoutError) {
		return new NodeOperationError(node, `Could not record the delivery in n8n's database: ${error.message}`, {
			description: `Nothing downstream ran. n8n may still record the delivery, and later copies from Inbank would then start nothing. ${retry}`,
		});
	}
	return new NodeOperationError(node, `Could not record the delivery in n8n's database: ${(error as Error).message}`, {
		description: `Nothing downstream ran. ${retry}`,
	});
}

let warnedNoProcessedData = false;

function warnNoProcessedData(this: IExecuteFunctions): void {
	if (warnedNoProcessedData) return;
	warnedNoProcessedData = true;
	this.logger.warn(
		'Inbank Smart Rent Trigger: this n8n has no processed-data store (helpers.checkProcessedAndRecord); deliveries are remembered in the workflow’s static data instead, which concurrent executions can overwrite. Update n8n.',
	);
}
