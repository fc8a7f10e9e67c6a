import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import {
	canonicalUuid,
	isPosSessionStatus,
	POS_SESSION_STATUS_MEANING,
	POS_SESSION_STATUSES,
	REPLAY_WINDOW,
	type PosSessionStatus,
} from '../shared/domain';
import { getInbankConnection, inbankApiRequest, type InbankConnection } from '../shared/transport';
import { redactUrlSecrets } from '../shared/transport/urlSecrets';
import { DEFAULT_REMEMBERED, MAX_REMEMBERED, MIN_REMEMBERED } from './ledger';
import { comparedToRecord, describeFields, parseCallback, type ParsedCallback } from './parse';
import { quote } from './quote';
import { FIX, refusedTestEventItem, type Refusal } from './refusals';
import { checkTimestamp, hmacFormProblem, secretsEqual, verifySignature } from './signature';

/** The webhook's steps, each returning early with what to answer (as n8n's Stripe Trigger helpers do). */

export type Verification = 'signature' | 'urlToken' | 'none';
export const VERIFICATIONS: readonly Verification[] = ['signature', 'urlToken', 'none'];
export const MIN_TOKEN_LENGTH = 32;

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
	if (!Array.isArray(statuses) || statuses.length === 0 || !statuses.every(isPosSessionStatus)) {
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
 * n8n loads and decrypts the credential from its database on every getCredentials call, a large part of
 * a callback's cost (BENCHMARKS.md). The trigger keeps it in this process's memory for a few
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

/**
 * Answers a refused request, and says why in n8n's log (never to the caller). In production it starts
 * nothing. While the editor listens for a test event it also starts the test execution with the
 * refusal as its item, so that the editor shows why (refusals.ts); except a refusal whose resend will
 * pass, which leaves the editor listening for that resend.
 */
export function refuse(this: IWebhookFunctions, refusal: Refusal): IWebhookResponseData {
	const { code, reason } = refusal;
	this.logger.warn(`Inbank Smart Rent Trigger refused a callback (${code}): ${reason}`, {
		node: this.getNode().name,
		workflowId: this.getWorkflow().id,
	});
	const message = { 400: 'malformed callback', 401: 'callback not verified', 503: 'callback not accepted; try again later' }[code];
	this.getResponseObject().status(code).json({ message });
	if (this.getMode() === 'manual' && !refusal.resendPasses) {
		return { noWebhookResponse: true, workflowData: [[refusedTestEventItem(refusal)]] };
	}
	return { noWebhookResponse: true };
}

/** The body of every 200 answer, accepted or not: what Inbank's own integrations answer. */
export const ANSWER_OK = 'OK';

/** Answers 200 OK (Inbank stops sending) for a callback that starts nothing. */
export function acknowledge(this: IWebhookFunctions, reason: string, level: 'debug' | 'info' | 'warn' = 'debug'): IWebhookResponseData {
	this.logger[level](`Inbank Smart Rent Trigger: ${reason}; acknowledged, nothing started`, {
		node: this.getNode().name,
		workflowId: this.getWorkflow().id,
	});
	return { webhookResponse: ANSWER_OK };
}

export type Verified = { ok: true; callback: ParsedCallback; staleSeconds?: number } | ({ ok: false } & Refusal);

/**
 * Reads the callback and checks it as the node's Verification says. A correctly signed callback older
 * than the Replay Window passes only with Verify Then Fetch Session on, marked with its age: it then
 * runs only if Inbank's record confirms it (readSession). Inbank resends a callback with its original
 * timestamp, so after an outage longer than the window a refusal here would refuse it for ever.
 */
export async function verifyCallback(this: IWebhookFunctions, settings: TriggerSettings, nowMs: number): Promise<Verified> {
	const request = this.getRequestObject();
	// n8n reads the body of a version > 1 webhook node only for content types it parses (JSON, form,
	// text, XML); the text of any other callback is read here so that it is judged the same way.
	const withRawBody = request as unknown as { rawBody?: Buffer; readRawBody?: () => Promise<void> };
	if (withRawBody.rawBody === undefined && typeof withRawBody.readRawBody === 'function') {
		try {
			await withRawBody.readRawBody();
		} catch (error) {
			return { ok: false, code: 400, reason: `the body could not be read (${quote((error as Error).message, 120)})`, fix: FIX.malformed };
		}
	}
	const parsed = parseCallback({
		method: request.method,
		contentType: String(request.headers['content-type'] ?? ''),
		body: this.getBodyData(),
		rawBody: withRawBody.rawBody,
		query: this.getQueryData() as Record<string, unknown>,
	});
	if (!parsed.ok) return { ok: false, code: 400, reason: parsed.reason, fix: FIX.malformed };
	const callback = parsed.callback;

	let staleSeconds: number | undefined;
	if (settings.verification === 'signature') {
		if (callback.shape !== 'signed') {
			return { ok: false, code: 401, reason: `the callback is not signed (no hmac, timestamp and message; ${describeFields(callback.fields)})`, fix: FIX.unsigned };
		}
		const formProblem = hmacFormProblem(callback.hmac as string);
		if (formProblem) return { ok: false, code: 401, reason: formProblem, fix: FIX.unsigned };
		const timestamp = callback.timestamp as string;
		const time = checkTimestamp(timestamp, nowMs, settings.replayWindowSeconds);
		if (!time.ok) {
			if (time.reason === 'malformed') {
				return {
					ok: false,
					code: 400,
					reason: `the timestamp is not Unix seconds: it has ${timestamp.length} characters${/^\d*$/.test(timestamp) ? '' : ', not all digits'}; expected 9 to 13 digits`,
					fix: FIX.unsigned,
				};
			}
			if (time.reason === 'future' || !settings.fetchSession) {
				return {
					ok: false,
					code: 401,
					reason: `the timestamp is ${time.reason} (${time.ageSeconds} s from now; window ${settings.replayWindowSeconds} s)`,
					fix: FIX.clock,
				};
			}
			staleSeconds = time.ageSeconds;
		}
		let apiKey: string;
		try {
			apiKey = (await triggerConnection.call(this)).apiKey;
		} catch (error) {
			return { ok: false, code: 503, reason: `the credential cannot be used: ${(error as Error).message}`, fix: FIX.readFailed };
		}
		if (!verifySignature(apiKey, timestamp, callback.message as string, callback.hmac as string)) {
			return {
				ok: false,
				code: 401,
				reason: 'the hmac does not match: it has the expected form (128 hexadecimal characters), so it was made with another key than the credential’s API key, or the message or timestamp was changed',
				fix: FIX.wrongKey,
			};
		}
	} else if (settings.verification === 'urlToken') {
		if (!callback.token) {
			const query = { ...(this.getQueryData() as Record<string, unknown>) };
			return {
				ok: false,
				code: 401,
				reason: `the callback URL has no token parameter (${describeFields(query, 'query parameters received')})`,
				fix: FIX.token,
			};
		}
		if (!secretsEqual(settings.callbackToken, callback.token)) {
			return {
				ok: false,
				code: 401,
				reason: `the callback URL's token is wrong (${callback.token.length} characters, ${callback.token.length === settings.callbackToken.length ? 'as many as' : 'not as many as'} the node's Callback Token)`,
				fix: FIX.token,
			};
		}
	}
	if (callback.status === undefined && !settings.fetchSession) {
		const what = callback.unknownStatus === undefined ? 'no status' : `status ${quote(callback.unknownStatus, 40)}, which is not one of ${POS_SESSION_STATUSES.join(', ')}`;
		return {
			ok: false,
			code: 400,
			reason: `the callback carries ${what}; without Verify Then Fetch Session the workflow runs on the callback's status`,
			fix: FIX.noStatus,
		};
	}
	return staleSeconds === undefined ? { ok: true, callback } : { ok: true, callback, staleSeconds };
}

/**
 * This process's order of events: each callback's arrival and each session read's start take the next
 * number, so "this read started after that callback arrived" is exact (two events can share a
 * millisecond).
 */
let sequence = 0;

/** Marks a callback's arrival; pass the mark to readSession. */
export function markArrival(): number {
	return ++sequence;
}

/**
 * Session reads for unsigned callbacks spend the shop's API key on a request anyone who knows the URL
 * can send: in each n8n process, at most `perSecond` (with bursts up to `burst`) and `concurrent` at
 * once per credential. Beyond that the callback is answered 503 (Inbank sends it again), so that a
 * flood cannot push the shop into Inbank's rate limit for its real calls. Signed callbacks are not
 * counted.
 */
export const UNSIGNED_READS = { perSecond: 5, burst: 20, concurrent: 4 } as const;

class ReadBudget {
	private tokens: number = UNSIGNED_READS.burst;
	private at = 0;
	inFlight = 0;

	/** Takes one read, or says no. */
	take(nowMs: number): boolean {
		this.tokens = Math.min(UNSIGNED_READS.burst, this.tokens + (Math.max(0, nowMs - this.at) / 1000) * UNSIGNED_READS.perSecond);
		this.at = nowMs;
		if (this.tokens < 1 || this.inFlight >= UNSIGNED_READS.concurrent) return false;
		this.tokens -= 1;
		return true;
	}
}
const readBudgets = new Map<string, ReadBudget>();

interface SharedRead {
	/** The sequence number at which the read started. */
	started: number;
	answer: Promise<IDataObject>;
}
const inFlightReads = new Map<string, SharedRead>();

/**
 * GET the session. A callback shares a read in flight only if that read started after the callback
 * arrived: a read answers the state Inbank had when it started, and an earlier read may predate the
 * status change this callback reports (a `completed` that joined a read started for a late `granted`
 * would look like a repeat and be lost). Copies arriving together still share one read. `nowMs` is
 * given for unsigned callbacks, whose new reads are bounded by UNSIGNED_READS; 'busy' when over.
 */
async function fetchSession(this: IWebhookFunctions, uuid: string, arrival: number, nowMs?: number): Promise<IDataObject | 'busy'> {
	const credentialId = this.getNode().credentials?.inbankApi?.id ?? '';
	const key = `${credentialId}:${uuid}`;
	const shared = inFlightReads.get(key);
	if (shared && shared.started > arrival) return await shared.answer;

	let budget: ReadBudget | undefined;
	if (nowMs !== undefined) {
		budget = readBudgets.get(credentialId);
		if (!budget) {
			budget = new ReadBudget();
			readBudgets.set(credentialId, budget);
		}
		if (!budget.take(nowMs)) return 'busy';
		budget.inFlight++;
	}
	const read: SharedRead = {
		started: ++sequence,
		answer: (async () => {
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
		})(),
	};
	inFlightReads.set(key, read);
	const done = () => {
		if (inFlightReads.get(key) === read) inFlightReads.delete(key);
		if (budget) budget.inFlight--;
	};
	read.answer.then(done, done);
	return await read.answer;
}

export type SessionRead =
	| {
			ok: true;
			/** The status the workflow runs on: Inbank's when the record was read, the callback's otherwise. */
			status: PosSessionStatus;
			/** The session uuid, canonical; the record's when it was read. */
			uuid: string;
			/** Inbank's record, when it was read and is usable (one of the six statuses, the same uuid). */
			session?: IDataObject;
			/** Why a signed callback runs without the record. */
			fetchError?: string;
	  }
	| { ok: false; code: 200; reason: string; level?: 'debug' | 'warn' }
	| ({ ok: false; code: 503 } & Omit<Refusal, 'code'>);

/**
 * The status the workflow acts on, judged against Inbank's record when it is read.
 *
 * - A signed callback is Inbank's word: if the record cannot be read, its status stands.
 * - An unsigned callback (URL token or no verification) is only a hint to read the session: the
 *   workflow runs on Inbank's record alone, or not at all (503).
 * - A record for another session (uuid) is refused (503).
 * - A callback whose status is ahead of the record (comparedToRecord: the read lags) is refused with
 *   503, so that Inbank sends it again until the record has caught up; one behind the record (a late
 *   `granted` after `completed`) runs on the record's status, which the duplicate check then stops.
 * - A signed callback older than the Replay Window (staleSeconds) runs only when the record has exactly
 *   its status; behind the record it is acknowledged and starts nothing.
 * - A callback that names its session but no status the trigger knows (verifyCallback lets it through
 *   only with Verify Then Fetch Session on) runs on the record alone, signed or not: it is a hint to read.
 */
export async function readSession(
	this: IWebhookFunctions,
	settings: TriggerSettings,
	callback: ParsedCallback,
	when: { arrival: number; nowMs: number; staleSeconds?: number },
): Promise<SessionRead> {
	// verifyCallback lets a callback without a usable status through only with Verify Then Fetch Session on.
	if (!settings.fetchSession) return { ok: true, status: callback.status as PosSessionStatus, uuid: callback.uuid };
	const signed = settings.verification === 'signature';
	const stale = when.staleSeconds !== undefined;
	const session = quote(callback.uuid);
	const claimed = callback.status;
	// Only a signed callback with a status can run without the record (on its own word).
	const mustConfirm = !signed || stale || claimed === undefined;
	let record: IDataObject;
	try {
		const answer = await fetchSession.call(this, callback.uuid, when.arrival, signed ? undefined : when.nowMs);
		if (answer === 'busy') {
			return {
				ok: false,
				code: 503,
				reason: `more unverified callbacks than Inbank Smart Rent Trigger reads sessions for (${UNSIGNED_READS.perSecond} per second, ${UNSIGNED_READS.concurrent} at once); session ${session} was not read`,
				fix: FIX.resend,
				resendPasses: true,
			};
		}
		record = answer;
	} catch (error) {
		const message = (error as Error).message;
		if (mustConfirm) {
			return { ok: false, code: 503, reason: `session ${session} could not be read from Inbank (${quote(message, 160)}); Inbank is asked to send it again`, fix: FIX.readFailed };
		}
		return { ok: true, status: claimed as PosSessionStatus, uuid: callback.uuid, fetchError: message };
	}

	const recordUuid = record.uuid ?? record.posSessionUuid;
	if (recordUuid !== undefined && canonicalUuid(recordUuid) !== callback.uuid) {
		return { ok: false, code: 503, reason: `Inbank answered the read of session ${session} with the record of session ${quote(recordUuid)}`, fix: FIX.otherRecord };
	}
	const recordStatus = typeof record.status === 'string' ? record.status.toLowerCase() : undefined;
	if (!isPosSessionStatus(recordStatus)) {
		const unknown = `Inbank reports status ${quote(record.status)} for session ${session}, which is not one of ${POS_SESSION_STATUSES.join(', ')}`;
		if (stale) return { ok: false, code: 503, reason: unknown, fix: FIX.readFailed };
		if (mustConfirm) return { ok: false, code: 200, reason: unknown, level: 'warn' };
		return { ok: true, status: claimed as PosSessionStatus, uuid: callback.uuid, fetchError: unknown };
	}

	const relation = claimed === undefined ? undefined : comparedToRecord(claimed, recordStatus);
	if (relation === 'ahead') {
		return {
			ok: false,
			code: 503,
			reason: `the callback reports ${claimed} for session ${session}, but Inbank's record still says ${recordStatus}; Inbank is asked to send it again once its record has caught up`,
			fix: FIX.resend,
			resendPasses: true,
		};
	}
	if (stale) {
		const age = `a signed callback ${when.staleSeconds} s old (Replay Window ${settings.replayWindowSeconds} s)`;
		if (relation === 'behind') {
			return { ok: false, code: 200, reason: `${age} reports ${claimed} for session ${session}; Inbank's record has moved on to ${recordStatus}`, level: 'warn' };
		}
		this.logger.warn(`Inbank Smart Rent Trigger accepted ${age}: Inbank's record ${relation === 'same' ? 'confirms' : 'says'} ${recordStatus} for session ${session}`, {
			node: this.getNode().name,
			workflowId: this.getWorkflow().id,
		});
	}
	return { ok: true, status: recordStatus, uuid: callback.uuid, session: record };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const amount = (value: unknown): number | undefined => {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
};

/** The business fields of the item, in the item's names. */
interface BusinessFields {
	purchaseReference?: string;
	contractUuid?: string;
	totalAmount?: number;
	currency?: string;
}

function fieldsOfRecord(record: IDataObject): BusinessFields {
	const purchase = record.purchase as IDataObject | undefined;
	return {
		purchaseReference: text(purchase?.purchaseReference) ?? text(record.purchaseReference),
		contractUuid: text(record.creditContractUuid),
		totalAmount: amount(record.totalAmount),
		currency: text(record.currency),
	};
}

function fieldsOfSignedMessage(payload: Record<string, unknown>): BusinessFields {
	return {
		purchaseReference: text(payload.purchaseReference),
		contractUuid: text(payload.creditContractUuid),
		totalAmount: amount(payload.totalAmount),
		currency: text(payload.currency),
	};
}

const defined = (fields: BusinessFields): IDataObject =>
	Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as IDataObject;

/**
 * The item: what a CRM flow needs at the top level, Inbank's record and the callback below.
 *
 * Every business field (status, purchaseReference, contractUuid, totalAmount, currency) comes from
 * Inbank's record whenever it was read. Without the record, a signed callback's message supplies them;
 * an unsigned caller supplies nothing but, with Verify Then Fetch Session off, the uuid and status it
 * names. Where a signed message disagrees with the record, the record wins and `mismatchedFields`
 * lists the fields. URLs lose their secrets (the Secret Token mode's token is in the Callback URL).
 */
export function buildItem(
	settings: TriggerSettings,
	callback: ParsedCallback,
	read: Extract<SessionRead, { ok: true }>,
	nowMs: number,
): IDataObject {
	const signed = settings.verification === 'signature';
	const record = read.session;
	const fields = record ? fieldsOfRecord(record) : signed ? fieldsOfSignedMessage(callback.payload) : {};
	const item: IDataObject = {
		uuid: read.uuid,
		status: read.status,
		event: POS_SESSION_STATUS_MEANING[read.status],
		...defined(fields),
		receivedAt: new Date(nowMs).toISOString(),
		verification: settings.verification,
		callback: signed
			? {
					shape: callback.shape,
					...(callback.status ? { status: callback.status } : {}),
					...(callback.timestamp ? { timestamp: callback.timestamp } : {}),
					payload: redactUrlSecrets(callback.payload as IDataObject),
				}
			: { shape: callback.shape },
	};
	if (signed && record) {
		const claimed: Record<string, unknown> = { ...(callback.status ? { status: callback.status } : {}), ...defined(fieldsOfSignedMessage(callback.payload)) };
		const actual: Record<string, unknown> = { status: read.status, ...defined(fields) };
		const mismatched = Object.keys(claimed).filter((name) => String(claimed[name]) !== String(actual[name]));
		if (callback.status && read.status !== callback.status) {
			item.callbackStatus = callback.status;
			item.statusMismatch = true;
		}
		if (mismatched.length > 0) item.mismatchedFields = mismatched;
	}
	if (record) item.posSession = redactUrlSecrets(record);
	if (read.fetchError !== undefined) item.fetchError = read.fetchError;
	return item;
}
