import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { POS_SESSION_STATUSES } from '../InbankSmartRent/contract/posSession';
import {
	getInbankConnection,
	inbankApiRequest,
	type InbankConnection,
} from '../InbankSmartRent/transport';
import { claimDelivery, DEFAULT_RETENTION_DAYS, deliveryKey } from './dedupe';
import { parseCallback, STATUS_EVENTS, type PosSessionStatus } from './parse';
import { checkTimestamp, secretsEqual, verifySignature } from './signature';

type Verification = 'signature' | 'urlToken' | 'none';

const STATUS_OPTIONS = [
	{ name: 'Cancelled', value: 'cancelled', description: 'The customer or the shop cancelled' },
	{ name: 'Completed', value: 'completed', description: 'The contract is active: the only status that means paid' },
	{ name: 'Declined', value: 'declined', description: 'Inbank declined the application' },
	{ name: 'Expired', value: 'expired', description: 'The session ran out of time (validUntil)' },
	{ name: 'Granted', value: 'granted', description: 'Financing granted; not paid until completed' },
	{ name: 'Pending', value: 'pending', description: 'The application has started' },
];

export const MIN_TOKEN_LENGTH = 32;

/**
 * n8n loads and decrypts the credential from its database on every getCredentials call, which was a
 * third of the cost of accepting a callback. The trigger keeps it in this process's memory for a few
 * seconds: a changed API key takes effect within CREDENTIAL_TTL_MS.
 */
export const CREDENTIAL_TTL_MS = 15_000;
const credentialCache = new Map<string, { at: number; connection: InbankConnection }>();

async function triggerConnection(this: IWebhookFunctions): Promise<InbankConnection> {
	const id = this.getNode().credentials?.inbankApi?.id;
	const hit = id ? credentialCache.get(id) : undefined;
	if (hit && Date.now() - hit.at < CREDENTIAL_TTL_MS) return hit.connection;
	const connection = await getInbankConnection.call(this);
	if (id) credentialCache.set(id, { at: Date.now(), connection });
	return connection;
}

/** For tests: forget cached credentials (as a restart or the TTL would). */
export function forgetCachedCredentials(): void {
	credentialCache.clear();
}

export class InbankSmartRentTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Inbank Smart Rent Trigger',
		name: 'inbankSmartRentTrigger',
		icon: { light: 'file:inbank.svg', dark: 'file:inbank.dark.svg' },
		group: ['trigger'],
		// 1.1 behaves as 1. n8n evaluates a legacy expression (binaryData) on every request to a version 1
		// webhook node, evaluated in n8n 2.x's expression isolate: ≈ 10 ms of CPU per callback, measured.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{ "verification: " + $parameter["verification"] }}',
		description:
			'Starts the workflow when Inbank reports a Smart Rent POS session status change (verified, de-duplicated)',
		defaults: { name: 'Inbank Smart Rent Trigger' },
		inputs: [],
		outputs: `={{ $parameter["routeByStatus"] ? ${JSON.stringify(
			POS_SESSION_STATUSES.map((status) => ({ type: 'main', displayName: status })),
		)} : ["main"] }}`,
		credentials: [{ name: 'inbankApi', required: true }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'callback' },
			// Shops that forward the browser's return parameters may do so with GET.
			{ name: 'default', httpMethod: 'GET', responseMode: 'onReceived', path: 'callback' },
		],
		properties: [
			{
				displayName:
					'Paste this trigger’s <b>Production URL</b> (Webhook URLs above) into <code>partnerUrls.callbackUrl</code> of Create POS Session, and publish the workflow. The Test URL only works while the editor is listening for a test event.',
				name: 'productionUrlNotice',
				type: 'notice',
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
					'Insecure: with no verification, anyone who knows this URL can start the workflow with any status. Use Verify Then Fetch Session (below) so that the workflow acts on Inbank’s own record only.',
				name: 'insecureNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { verification: ['none'] } },
			},
			{
				displayName: 'Replay Window (Seconds)',
				name: 'replayWindowSeconds',
				type: 'number',
				typeOptions: { minValue: 30, maxValue: 86400 },
				default: 300,
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
				description:
					'A random secret of at least 32 characters, e.g. from a password generator. Append ?token= and this secret to the Production URL when you put it into callbackUrl.',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: STATUS_OPTIONS,
				default: [...POS_SESSION_STATUSES],
				description:
					'Which statuses start the workflow. Others are acknowledged (HTTP 200) and start nothing.',
			},
			{
				displayName: 'Route Each Status to Its Own Output',
				name: 'routeByStatus',
				type: 'boolean',
				default: false,
				description: 'Whether to give the node one output per status instead of one output for all',
			},
			{
				displayName: 'Verify Then Fetch Session',
				name: 'fetchSession',
				type: 'boolean',
				default: true,
				description:
					'Whether to read the session from Inbank after accepting the callback and output Inbank’s record; where it disagrees with the callback, Inbank’s record wins and the item says so',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Remember Deliveries (Days)',
						name: 'rememberDays',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 365 },
						default: DEFAULT_RETENTION_DAYS,
						description:
							'How long a delivered session uuid + status is remembered, so that a repeat starts no second execution',
					},
				],
			},
		],
	};

	// Inbank has no API to register or remove callback URLs: the URL travels in each POS session's
	// partnerUrls.callbackUrl. The methods exist because n8n calls them on (de)activation.
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

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const response = this.getResponseObject();
		const node = this.getNode();
		const refuse = (code: 400 | 401, reason: string): IWebhookResponseData => {
			// The reason goes to n8n's log only; the caller learns nothing that helps forging.
			this.logger.warn(`Inbank Smart Rent Trigger refused a callback (${code}): ${reason}`, {
				node: node.name,
				workflowId: this.getWorkflow().id,
			});
			response.status(code).json({ message: code === 400 ? 'malformed callback' : 'callback not verified' });
			return { noWebhookResponse: true };
		};

		// n8n reads the body of a version > 1 webhook node only for content types it parses (JSON, form,
		// text, XML); the text of any other callback is read here so that it is judged the same way.
		const withRawBody = request as unknown as { rawBody?: Buffer; readRawBody?: () => Promise<void> };
		if (withRawBody.rawBody === undefined && typeof withRawBody.readRawBody === 'function') {
			try {
				await withRawBody.readRawBody();
			} catch (error) {
				return refuse(400, `the body could not be read (${(error as Error).message})`);
			}
		}
		const parsed = parseCallback({
			method: request.method,
			contentType: String(request.headers['content-type'] ?? ''),
			body: this.getBodyData(),
			rawBody: withRawBody.rawBody,
			query: this.getQueryData() as Record<string, unknown>,
		});
		if (!parsed.ok) return refuse(400, parsed.reason);
		const callback = parsed.callback;

		const verification = this.getNodeParameter('verification', 'signature') as Verification;
		const nowMs = Date.now();
		if (verification === 'signature') {
			if (callback.shape !== 'signed') return refuse(401, 'the callback is not signed (no hmac, timestamp and message)');
			const windowSeconds = this.getNodeParameter('replayWindowSeconds', 300) as number;
			const time = checkTimestamp(callback.timestamp as string, nowMs, windowSeconds);
			if (!time.ok) {
				return time.reason === 'malformed'
					? refuse(400, 'the timestamp is not Unix seconds')
					: refuse(401, `the timestamp is ${time.reason} (${time.ageSeconds} s from now; window ${windowSeconds} s)`);
			}
			const { apiKey } = await triggerConnection.call(this);
			if (!verifySignature(apiKey, callback.timestamp as string, callback.message as string, callback.hmac as string)) {
				return refuse(401, 'the hmac does not match (wrong key, or the message was changed)');
			}
		} else if (verification === 'urlToken') {
			const expected = (this.getNodeParameter('callbackToken', '') as string).trim();
			if (expected.length < MIN_TOKEN_LENGTH) {
				return refuse(401, `the node's Callback Token is shorter than ${MIN_TOKEN_LENGTH} characters; set a longer one`);
			}
			if (!callback.token || !secretsEqual(expected, callback.token)) {
				return refuse(401, 'the callback URL token is missing or wrong');
			}
		}

		// Duplicates: check and record before any await, so concurrent copies cannot both pass.
		const isTest = this.getMode() === 'manual';
		const rememberDays = (this.getNodeParameter('options', {}) as IDataObject).rememberDays as number | undefined;
		const staticData = this.getWorkflowStaticData('node');
		const claim = claimDelivery(
			`${this.getWorkflow().id ?? ''}:${node.id}:${isTest ? 'test' : 'live'}`,
			deliveryKey(callback.uuid, callback.status),
			isTest ? undefined : staticData.deliveries,
			nowMs,
			{ retentionMs: (rememberDays ?? DEFAULT_RETENTION_DAYS) * 86_400_000 },
		);
		// Assigning the top-level key is what makes n8n notice the change and save it.
		if (!isTest && claim.changed) staticData.deliveries = claim.record;
		if (claim.duplicate) {
			this.logger.debug(`Inbank Smart Rent Trigger: duplicate delivery of ${callback.status} for ${callback.uuid} acknowledged`);
			return { webhookResponse: 'OK' };
		}

		const item: IDataObject = {
			uuid: callback.uuid,
			status: callback.status,
			event: STATUS_EVENTS[callback.status],
			receivedAt: new Date(nowMs).toISOString(),
			verification,
			callback: {
				shape: callback.shape,
				...(callback.timestamp ? { timestamp: callback.timestamp } : {}),
				payload: callback.payload as IDataObject,
			},
		};

		let status: PosSessionStatus = callback.status;
		if (this.getNodeParameter('fetchSession', true) as boolean) {
			try {
				const connection = await triggerConnection.call(this);
				const answer = await inbankApiRequest.call(
					this,
					connection,
					{ method: 'GET', path: `/pos-sessions/${encodeURIComponent(callback.uuid)}`, timeoutMs: 10_000 },
					0,
					// Inbank waits for the answer: no retries here; a failed read is reported in the item.
					{ retries: 0, baseDelayMs: 0, maxWaitMs: 0 },
				);
				const session = (answer.body ?? {}) as IDataObject;
				item.posSession = session;
				const fetched = typeof session.status === 'string' ? session.status.toLowerCase() : undefined;
				if (fetched && fetched !== callback.status) {
					item.callbackStatus = callback.status;
					item.statusMismatch = true;
					if ((POS_SESSION_STATUSES as readonly string[]).includes(fetched)) {
						status = fetched as PosSessionStatus;
						item.status = status;
						item.event = STATUS_EVENTS[status];
					}
				}
			} catch (error) {
				item.fetchError = (error as Error).message;
			}
		}

		const wanted = this.getNodeParameter('statuses', [...POS_SESSION_STATUSES]) as string[];
		if (!wanted.includes(status)) {
			this.logger.debug(`Inbank Smart Rent Trigger: status ${status} is not selected; acknowledged`);
			return { webhookResponse: 'OK' };
		}

		const output: INodeExecutionData = { json: item };
		if (this.getNodeParameter('routeByStatus', false) as boolean) {
			return {
				webhookResponse: 'OK',
				workflowData: POS_SESSION_STATUSES.map((s) => (s === status ? [output] : [])),
			};
		}
		return { webhookResponse: 'OK', workflowData: [[output]] };
	}
}
