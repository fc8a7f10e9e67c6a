import { canonicalUuid, isPosSessionStatus, type PosSessionStatus } from '../shared/domain';
import { quote } from './quote';

/**
 * Reads an Inbank callback however it arrives: POST with a form or JSON body, or parameters in the
 * query string; signed (`hmac`, `timestamp`, `message`, where `message` is JSON holding uuid and
 * status) or plain (uuid and status directly). Tolerant in what it reads: the session uuid and the
 * status are found under their names in any letter case, and a callback without a usable status still
 * names its session (whether that is enough is the caller's decision: it is with Inbank's record).
 * Pure: no n8n, no I/O.
 */

export const MAX_CALLBACK_BYTES = 64 * 1024;

export interface CallbackRequest {
	method: string;
	contentType: string;
	/** The body as n8n parsed it (JSON or form), or undefined/empty. */
	body: unknown;
	/** The raw body bytes when n8n kept them. */
	rawBody?: Buffer | string;
	query: Record<string, unknown>;
}

export interface ParsedCallback {
	/** How the callback was shaped: signed Inbank fields, or uuid/status given directly. */
	shape: 'signed' | 'plain';
	hmac?: string;
	timestamp?: string;
	message?: string;
	/** URL token (query `token`) when present; never copied into output. */
	token?: string;
	/** The session uuid, canonical and lower-case (see canonicalUuid). */
	uuid: string;
	/** The status, lower-case; undefined when the callback carries none or one the trigger does not know. */
	status?: PosSessionStatus;
	/** The status as received when it is not one of the six (quote it before logging). */
	unknownStatus?: string;
	/** Everything the callback carried, minus hmac and token. */
	fields: Record<string, unknown>;
	/** The decoded `message`, when the callback was signed. */
	payload: Record<string, unknown>;
}

export type ParseResult = { ok: true; callback: ParsedCallback } | { ok: false; reason: string };

/**
 * What a request carried, for a refusal: field names and the length of each value, never a value, so that
 * a merchant can tell a different scheme from a wrong key, e.g. `fields received: signature(88), ts(10)`.
 * Names that are not plain identifiers are quoted and cut.
 */
export function describeFields(fields: Record<string, unknown>, label = 'fields received', max = 12): string {
	const names = Object.keys(fields);
	if (names.length === 0) return `${label}: none`;
	const shown = names.slice(0, max).map((name) => `${/^[\w.[\]-]{1,40}$/.test(name) ? name : quote(name, 40)}(${sizeOf(fields[name])})`);
	return `${label}: ${shown.join(', ')}${names.length > max ? `, and ${names.length - max} more` : ''}`;
}

function sizeOf(value: unknown): string {
	if (typeof value === 'string') return String(value.length);
	if (typeof value === 'number' || typeof value === 'boolean') return String(String(value).length);
	if (Array.isArray(value)) return `list of ${value.length}`;
	if (value === null) return 'null';
	return typeof value === 'object' ? 'object' : typeof value;
}

/**
 * The value of the first of `names` the record has: spelt exactly, then in any letter case (`UUID`,
 * `PosSessionUuid`, `Status`). A key spelt exactly wins over another spelling of it.
 */
function pick(record: Record<string, unknown>, names: readonly string[]): unknown {
	for (const name of names) if (record[name] !== undefined) return record[name];
	const wanted = names.map((name) => name.toLowerCase());
	for (const lower of wanted) {
		const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === lower);
		if (key !== undefined && record[key] !== undefined) return record[key];
	}
	return undefined;
}

const SIGNED_KEYS = ['hmac', 'timestamp', 'message'] as const;
/** Where Inbank's documents name the session: `uuid` (the session's record), `posSessionUuid`. */
const UUID_KEYS = ['uuid', 'posSessionUuid'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rawText(raw: CallbackRequest['rawBody']): string {
	if (raw === undefined) return '';
	return typeof raw === 'string' ? raw : raw.toString('utf8');
}

/** Body fields from what n8n parsed, or from the raw text for content types n8n leaves alone. */
function bodyFields(request: CallbackRequest): { fields: Record<string, unknown> } | { error: string } {
	if (isRecord(request.body) && Object.keys(request.body).length > 0) return { fields: request.body };
	const text = rawText(request.rawBody).trim();
	if (!text) return { fields: {} };
	if (text.startsWith('{')) {
		try {
			const parsed: unknown = JSON.parse(text);
			return isRecord(parsed) ? { fields: parsed } : { error: 'the body is JSON but not an object' };
		} catch {
			return { error: 'the body is not valid JSON' };
		}
	}
	if (/^[\w.%+-]+=/.test(text)) {
		return { fields: Object.fromEntries(new URLSearchParams(text)) };
	}
	return { error: `the body is neither JSON nor form data (content type ${request.contentType ? quote(request.contentType, 80) : 'none'})` };
}

function firstString(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return String(value);
	if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
	return undefined;
}

export function parseCallback(request: CallbackRequest): ParseResult {
	const size = Buffer.byteLength(rawText(request.rawBody), 'utf8');
	if (size > MAX_CALLBACK_BYTES) {
		return { ok: false, reason: `the body has ${size} bytes; callbacks are at most ${MAX_CALLBACK_BYTES}` };
	}
	const body = bodyFields(request);
	if ('error' in body) return { ok: false, reason: body.error };

	// Query parameters and body fields together; the body wins where both carry a key.
	const fields: Record<string, unknown> = { ...request.query, ...body.fields };
	const token = firstString(request.query.token);
	delete fields.token;

	const present = SIGNED_KEYS.filter((key) => fields[key] !== undefined && fields[key] !== '');
	if (present.length > 0 && present.length < SIGNED_KEYS.length) {
		const missing = SIGNED_KEYS.filter((key) => !present.includes(key));
		return { ok: false, reason: `a signed callback needs hmac, timestamp and message; missing ${missing.join(', ')} (${describeFields(fields)})` };
	}

	let payload: Record<string, unknown> = {};
	let shape: ParsedCallback['shape'] = 'plain';
	let hmac: string | undefined;
	let timestamp: string | undefined;
	let message: string | undefined;
	if (present.length === SIGNED_KEYS.length) {
		hmac = firstString(fields.hmac);
		timestamp = firstString(fields.timestamp);
		message = isRecord(fields.message) ? undefined : firstString(fields.message);
		if (hmac === undefined || timestamp === undefined || message === undefined) {
			const signedFields = Object.fromEntries(SIGNED_KEYS.map((key) => [key, fields[key]]));
			return { ok: false, reason: `hmac, timestamp and message must be text (${describeFields(signedFields, 'received')})` };
		}
		let decoded: unknown;
		try {
			decoded = JSON.parse(message);
		} catch {
			return { ok: false, reason: `message is not JSON (${message.length} characters; expected a JSON object naming the session)` };
		}
		if (!isRecord(decoded)) return { ok: false, reason: `message is JSON but not an object (${message.length} characters)` };
		payload = decoded;
		shape = 'signed';
	} else {
		payload = fields;
	}

	const uuid = firstString(pick(payload, UUID_KEYS));
	const status = firstString(pick(payload, ['status']))?.trim();
	if (!uuid) {
		const where = shape === 'signed' ? describeFields(payload, 'fields in message') : describeFields(fields);
		return { ok: false, reason: `the callback carries no session uuid (uuid or posSessionUuid; ${where})` };
	}
	const canonical = canonicalUuid(uuid);
	if (!canonical) return { ok: false, reason: `the session uuid ${quote(uuid, 40)} is not a UUID (expected 8-4-4-4-12 hexadecimal digits)` };
	const normalised = status?.toLowerCase();
	const known = isPosSessionStatus(normalised) ? normalised : undefined;

	const withoutHmac = { ...fields };
	delete withoutHmac.hmac;
	return {
		ok: true,
		callback: {
			shape,
			hmac,
			timestamp,
			message,
			token,
			uuid: canonical,
			...(known ? { status: known } : {}),
			...(status && !known ? { unknownStatus: status } : {}),
			fields: withoutHmac,
			payload,
		},
	};
}

/**
 * Where a status stands in a session's life: pending, then granted, then one final status (completed,
 * cancelled, declined or expired). Inbank's documented moves all go forward along this order.
 */
const STAGE: Record<PosSessionStatus, number> = { pending: 0, granted: 1, completed: 2, cancelled: 2, declined: 2, expired: 2 };

/**
 * A callback's status against the status of Inbank's record of the session, the one place that orders
 * statuses. `behind`: the record has moved past it (a late `granted` after `completed`). `ahead`: the
 * record has not caught up with it yet (a read that lags the callback), including a final status that
 * differs from a final record (`cancelled` while the record says `completed`): acknowledging either
 * would lose the change the callback reports.
 */
export function comparedToRecord(callback: PosSessionStatus, record: PosSessionStatus): 'same' | 'ahead' | 'behind' {
	if (callback === record) return 'same';
	return STAGE[callback] < STAGE[record] ? 'behind' : 'ahead';
}
