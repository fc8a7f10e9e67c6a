import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { POS_SESSION_STATUSES } from '../InbankSmartRent/contract/posSession';
import {
	getInbankConnection,
	inbankApiRequest,
	type InbankConnection,
} from '../InbankSmartRent/transport';
import { DEFAULT_REMEMBERED, MAX_REMEMBERED, MIN_REMEMBERED } from './ledger';
import { parseCallback, STATUS_EVENTS, type ParsedCallback, type PosSessionStatus } from './parse';
import { quote } from './quote';
import { checkTimestamp, secretsEqual, verifySignature } from './signature';

/** The webhook's steps, each returning early with what to answer (as n8n's Stripe Trigger helpers do). */

export type Verification = 'signature' | 'urlToken' | 'none';
export const VERIFICATIONS: readonly Verification[] = ['signature', 'urlToken', 'none'];
export const MIN_TOKEN_LENGTH = 32;
export const REPLAY_WINDOW = { min: 30, max: 86_400, default: 300 } as const;

export interface TriggerSettings {
	verification: Verification;
	replayWindowSeconds: number;
	callbackToken: string;
	statuses: ReadonlySet<PosSessionStatus>;
	routeByStatus: boolean;
	fetchSession: boolean;
	remembered: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/** getNodeParameter of a webhook (name, fallback) or of execute() (name, 0, fallback), made alike. */
export type ParameterReader = (name: string, fallback: unknown) => unknown;

const isStatus = (value: unknown): value is PosSessionStatus =>
	typeof value === 'string' && (POS_SESSION_STATUSES as readonly string[]).includes(value);

/**
 * Every parameter the node acts on, read and checked before anything is claimed. A value outside the
 * declared options or ranges (a workflow edited by hand, an expression) refuses the callback: a check
 * is never silently turned off.
 */
export function readSettings(get: ParameterReader): Outcome<TriggerSettings> {
	const verification = get('verification', 'signature');
	if (!VERIFICATIONS.includes(verification as Verification)) {
		return { ok: false, reason: `Verification is ${quote(verification)}; expected one of ${VERIFICATIONS.join(', ')}` };
	}
	let replayWindowSeconds: number = REPLAY_WINDOW.default;
	let callbackToken = '';
	if (verification === 'signature') {
		const window = get('replayWindowSeconds', REPLAY_WINDOW.default);
		if (typeof window !== 'number' || !Number.isFinite(window) || window < REPLAY_WINDOW.min || window > REPLAY_WINDOW.max) {
			return { ok: false, reason: `Replay Window (Seconds) is ${quote(window)}; expected a number from ${REPLAY_WINDOW.min} to ${REPLAY_WINDOW.max}` };
		}
		replayWindowSeconds = window;
	} else if (verification === 'urlToken') {
		const token = get('callbackToken', '');
		if (typeof token !== 'string' || token.trim().length < MIN_TOKEN_LENGTH) {
			return { ok: false, reason: `Callback Token is shorter than ${MIN_TOKEN_LENGTH} characters; set a longer one` };
		}
		callbackToken = token.trim();
	}
	const statuses = get('statuses', [...POS_SESSION_STATUSES]);
	if (!Array.isArray(statuses) || statuses.length === 0 || !statuses.every(isStatus)) {
		return {
			ok: false,
			reason: `Statuses is ${quote(JSON.stringify(statuses), 120)}; expected one or more of ${POS_SESSION_STATUSES.join(', ')}`,
		};
	}
	const routeByStatus = get('routeByStatus', false);
	if (typeof routeByStatus !== 'boolean') {
		return { ok: false, reason: `Route Each Status to Its Own Output is ${quote(routeByStatus)}; expected true or false` };
	}
	const fetchSession = get('fetchSession', true);
	if (typeof fetchSession !== 'boolean') {
		return { ok: false, reason: `Verify Then Fetch Session is ${quote(fetchSession)}; expected true or false` };
	}
	const options = get('options', {});
	if (typeof options !== 'object' || options === null || Array.isArray(options)) {
		return { ok: false, reason: 'Options is not a collection' };
	}
	const remembered = (options as IDataObject).rememberDeliveries ?? DEFAULT_REMEMBERED;
	if (typeof remembered !== 'number' || !Number.isInteger(remembered) || remembered < MIN_REMEMBERED || remembered > MAX_REMEMBERED) {
		return {
			ok: false,
			reason: `Remember Deliveries is ${quote(remembered)}; expected a whole number from ${MIN_REMEMBERED} to ${MAX_REMEMBERED}`,
		};
	}
	return {
		ok: true,
		value: {
			verification: verification as Verification,
			replayWindowSeconds,
			callbackToken,
			statuses: new Set(statuses),
			routeByStatus,
			fetchSession,
			remembered,
		},
	};
}

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

/** Answers a request that starts nothing, and says why in n8n's log (never to the caller). */
export function refuse(this: IWebhookFunctions, code: 400 | 401 | 503, reason: string): IWebhookResponseData {
	this.logger.warn(`Inbank Smart Rent Trigger refused a callback (${code}): ${reason}`, {
		node: this.getNode().name,
		workflowId: this.getWorkflow().id,
	});
	const message = { 400: 'malformed callback', 401: 'callback not verified', 503: 'callback not accepted; try again later' }[code];
	this.getResponseObject().status(code).json({ message });
	return { noWebhookResponse: true };
}

/** Answers 200 OK (Inbank stops sending) for a callback that starts nothing. */
export function acknowledge(this: IWebhookFunctions, reason: string, level: 'debug' | 'info' | 'warn' = 'debug'): IWebhookResponseData {
	this.logger[level](`Inbank Smart Rent Trigger: ${reason}; acknowledged, nothing started`, {
		node: this.getNode().name,
		workflowId: this.getWorkflow().id,
	});
	return { webhookResponse: 'OK' };
}

export type Verified = { ok: true; callback: ParsedCallback } | { ok: false; code: 400 | 401; reason: string };

/** Reads the callback and checks it as the node's Verification says. */
export async function verifyCallback(this: IWebhookFunctions, settings: TriggerSettings, nowMs: number): Promise<Verified> {
	const request = this.getRequestObject();
	// n8n reads the body of a version > 1 webhook node only for content types it parses (JSON, form,
	// text, XML); the text of any other callback is read here so that it is judged the same way.
	const withRawBody = request as unknown as { rawBody?: Buffer; readRawBody?: () => Promise<void> };
	if (withRawBody.rawBody === undefined && typeof withRawBody.readRawBody === 'function') {
		try {
			await withRawBody.readRawBody();
		} catch (error) {
			return { ok: false, code: 400, reason: `the body could not be read (${quote((error as Error).message, 120)})` };
		}
	}
	const parsed = parseCallback({
		method: request.method,
		contentType: String(request.headers['content-type'] ?? ''),
		body: this.getBodyData(),
		rawBody: withRawBody.rawBody,
		query: this.getQueryData() as Record<string, unknown>,
	});
	if (!parsed.ok) return { ok: false, code: 400, reason: parsed.reason };
	const callback = parsed.callback;

	if (settings.verification === 'signature') {
		if (callback.shape !== 'signed') return { ok: false, code: 401, reason: 'the callback is not signed (no hmac, timestamp and message)' };
		const time = checkTimestamp(callback.timestamp as string, nowMs, settings.replayWindowSeconds);
		if (!time.ok) {
			return time.reason === 'malformed'
				? { ok: false, code: 400, reason: 'the timestamp is not Unix seconds' }
				: { ok: false, code: 401, reason: `the timestamp is ${time.reason} (${time.ageSeconds} s from now; window ${settings.replayWindowSeconds} s)` };
		}
		const { apiKey } = await triggerConnection.call(this);
		if (!verifySignature(apiKey, callback.timestamp as string, callback.message as string, callback.hmac as string)) {
			return { ok: false, code: 401, reason: 'the hmac does not match (wrong key, or the message was changed)' };
		}
	} else if (settings.verification === 'urlToken') {
		if (!callback.token || !secretsEqual(settings.callbackToken, callback.token)) {
			return { ok: false, code: 401, reason: 'the callback URL token is missing or wrong' };
		}
	}
	return { ok: true, callback };
}

export type SessionRead =
	| { ok: true; status: PosSessionStatus; session?: IDataObject; fetchError?: string; fetchedStatus?: string }
	| { ok: false; code: 200 | 503; reason: string };

const inFlightReads = new Map<string, Promise<IDataObject>>();

/** One GET per session at a time: concurrent copies of a callback (server and browser) share it. */
async function fetchSession(this: IWebhookFunctions, uuid: string): Promise<IDataObject> {
	const key = `${this.getNode().credentials?.inbankApi?.id ?? ''}:${uuid}`;
	let read = inFlightReads.get(key);
	if (!read) {
		read = (async () => {
			const connection = await triggerConnection.call(this);
			const answer = await inbankApiRequest.call(
				this,
				connection,
				{ method: 'GET', path: `/pos-sessions/${encodeURIComponent(uuid)}`, timeoutMs: 10_000 },
				0,
				// Inbank waits for the answer: no retries here.
				{ retries: 0, baseDelayMs: 0, maxWaitMs: 0 },
			);
			const body = answer.body;
			return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as IDataObject) : {};
		})();
		inFlightReads.set(key, read);
		const forget = () => inFlightReads.delete(key);
		read.then(forget, forget);
	}
	return await read;
}

/**
 * The status the workflow acts on. A signed callback is Inbank's word: its status stands when the
 * session cannot be read, and Inbank's record wins when it can. An unsigned callback (URL token or no
 * verification) is only a hint to read the session: the workflow then runs on Inbank's record alone.
 */
export async function readSession(this: IWebhookFunctions, settings: TriggerSettings, callback: ParsedCallback): Promise<SessionRead> {
	if (!settings.fetchSession) return { ok: true, status: callback.status };
	const signed = settings.verification === 'signature';
	let session: IDataObject;
	try {
		session = await fetchSession.call(this, callback.uuid);
	} catch (error) {
		const message = quote((error as Error).message, 160);
		if (!signed) return { ok: false, code: 503, reason: `session ${quote(callback.uuid)} could not be read from Inbank (${message}); Inbank is asked to send it again` };
		return { ok: true, status: callback.status, fetchError: (error as Error).message };
	}
	const fetched = typeof session.status === 'string' ? session.status.toLowerCase() : undefined;
	if (isStatus(fetched)) return { ok: true, status: fetched, session, fetchedStatus: fetched };
	if (!signed) {
		return { ok: false, code: 200, reason: `Inbank reports status ${quote(session.status)} for session ${quote(callback.uuid)}, which is not one of ${POS_SESSION_STATUSES.join(', ')}` };
	}
	return { ok: true, status: callback.status, session, fetchedStatus: fetched };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The item: what a CRM flow needs at the top level, Inbank's record and the callback below. */
export function buildItem(
	settings: TriggerSettings,
	callback: ParsedCallback,
	read: Extract<SessionRead, { ok: true }>,
	nowMs: number,
): IDataObject {
	const session = read.session;
	const purchase = session?.purchase as IDataObject | undefined;
	const purchaseReference =
		text(callback.payload.purchaseReference) ?? text(session?.purchaseReference) ?? text(purchase?.purchaseReference);
	const contractUuid = text(session?.creditContractUuid) ?? (settings.verification === 'signature' ? text(callback.payload.creditContractUuid) : undefined);
	const item: IDataObject = {
		uuid: callback.uuid,
		status: read.status,
		event: STATUS_EVENTS[read.status],
		...(purchaseReference ? { purchaseReference } : {}),
		...(contractUuid ? { contractUuid } : {}),
		receivedAt: new Date(nowMs).toISOString(),
		verification: settings.verification,
		callback: {
			shape: callback.shape,
			status: callback.status,
			...(callback.timestamp ? { timestamp: callback.timestamp } : {}),
			payload: callback.payload as IDataObject,
		},
	};
	if (read.fetchedStatus !== undefined && read.fetchedStatus !== callback.status) {
		item.callbackStatus = callback.status;
		item.statusMismatch = true;
	}
	if (session) item.posSession = session;
	if (read.fetchError !== undefined) item.fetchError = read.fetchError;
	return item;
}
