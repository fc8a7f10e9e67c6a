import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { InbankConnection } from './connection';
import { UNCONFIRMED_HOST_COUNTRIES } from './hosts';

/**
 * The wording of every failed call to Inbank. Errors are built from sanitised data only (never from the
 * request options), so that no request header, and so no API key, can end up in one.
 */

/** What the operation adds to the generic wording: its error codes in words, how to check its effect. */
export interface ErrorWording {
	/** Inbank error codes this operation can meet, in words a merchant understands. */
	errorCodes?: Record<string, string>;
	/** For a request that changes something: how to find out whether it took effect. */
	howToCheck?: string;
}

/** Inbank error codes that mean the same for every request; an operation may say more (ErrorWording). */
const GENERIC_ERROR_CODES: Record<string, string> = {
	CONSTRAINTS_VIOLATED_GENERAL: 'the request breaks one of Inbank’s rules for this product',
};

/** Replaces every secret wherever it appears; used on everything that reaches an error or an item. */
function redact(text: string, secrets: string[]): string {
	let out = text;
	for (const secret of secrets) {
		// Shorter strings would blank out ordinary words; the API key is never that short.
		if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
	}
	return out;
}

/** A value taken from Inbank's answer, for an error: redacted, quoted, at most 60 characters. */
function quoted(value: unknown, secrets: string[]): string {
	const text = redact(String(value), secrets).replace(/\s+/g, ' ');
	return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/**
 * Retry-After as RFC 9110 allows it: whole seconds (digits only) or an HTTP-date. Milliseconds to wait
 * from `now` (0 for a date in the past), or undefined when the header is missing or not one of those.
 */
export function parseRetryAfter(header: unknown, now = Date.now()): number | undefined {
	if (typeof header !== 'string') return undefined;
	const value = header.trim();
	if (/^\d+$/.test(value)) return Number(value) * 1000;
	if (!HTTP_DATE.test(value)) return undefined;
	// asctime dates carry no zone; HTTP-dates are always GMT.
	const at = Date.parse(/GMT$/.test(value) ? value : `${value} GMT`);
	return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const DAY = '(Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/** IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient must accept (RFC 9110 §5.6.7). */
const HTTP_DATE = new RegExp(
	`^(${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT|${LONG_DAY}, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT|${DAY} ${MONTH} ( \\d|\\d{2}) ${TIME} \\d{4})$`,
);

interface InbankErrorBody {
	message?: string;
	errorCode?: string;
	codes: string[];
}

/** Reads Inbank's `{ message, errorCode }` and the 422 form that lists several codes. */
function readInbankError(body: unknown): InbankErrorBody {
	const out: InbankErrorBody = { codes: [] };
	const collect = (entry: unknown) => {
		if (typeof entry === 'string') out.codes.push(entry);
		else if (entry && typeof entry === 'object') {
			const record = entry as Record<string, unknown>;
			const code = record.errorCode ?? record.code;
			if (typeof code === 'string') out.codes.push(code);
			if (!out.message && typeof record.message === 'string') out.message = record.message;
		}
	};
	if (Array.isArray(body)) body.forEach(collect);
	else if (body && typeof body === 'object') {
		const record = body as Record<string, unknown>;
		if (typeof record.message === 'string') out.message = record.message;
		if (typeof record.errorCode === 'string') out.errorCode = record.errorCode;
		for (const key of ['errors', 'errorCodes', 'details']) {
			if (Array.isArray(record[key])) (record[key] as unknown[]).forEach(collect);
		}
	}
	if (out.errorCode && !out.codes.includes(out.errorCode)) out.codes.unshift(out.errorCode);
	if (!out.errorCode && out.codes.length > 0) out.errorCode = out.codes[0];
	return out;
}

function statusHeadline(statusCode: number): string {
	switch (statusCode) {
		case 400:
			return 'Inbank rejected the request as invalid';
		case 401:
			return 'Inbank did not accept the API key';
		case 403:
			return 'The API key is not allowed to act for this shop';
		case 404:
			return 'Inbank could not find what was asked for';
		case 409:
			return 'Inbank reports a conflict with the current state';
		case 422:
			return 'Inbank could not process the request';
		case 429:
			return 'Inbank is rate-limiting this shop';
		default:
			if (statusCode >= 500) return 'Inbank had a server error';
			return 'Inbank answered with an error';
	}
}

/** Whether the method may have changed something at Inbank (so it is never repeated blindly). */
const changes = (method: string) => method !== 'GET';

function statusAdvice(
	statusCode: number,
	method: string,
	connection: InbankConnection,
	headers: IDataObject,
	wording: ErrorWording,
): string {
	const host = connection.displayBaseUrl;
	switch (statusCode) {
		case 401:
			return `Check the API key in the Inbank API credential: copy it whole, without spaces, and use a ${connection.environment} key for the ${connection.environment} environment (host ${host}).`;
		case 403:
			return `Check Shop UUID in the Inbank API credential: it must be the shop this API key was issued for (now ${connection.shopUuid}).`;
		case 404:
			return `Check Shop UUID, the environment (${connection.environment}) and the country (${connection.country.toUpperCase()}) in the credential, and any uuid or product code in the node (host ${host}).`;
		case 429: {
			const header = headers['retry-after'];
			if (header === undefined || header === '') return 'Send fewer requests at once.';
			const wait = parseRetryAfter(header);
			const asked =
				wait === undefined
					? `Inbank's Retry-After ${quoted(header, connection.secrets)} is neither seconds nor an HTTP-date`
					: `Inbank asks to retry after ${Math.ceil(wait / 1000)} s`;
			return `Send fewer requests at once; ${asked}.`;
		}
		default:
			if (statusCode < 500) return '';
			if (!changes(method)) return 'This is on Inbank’s side; try again later.';
			return `This is on Inbank’s side; try again later. A request that may have changed something is not repeated automatically: ${wording.howToCheck ?? 'check whether it took effect'} before sending it again.`;
	}
}

export function inbankHttpError(
	node: INode,
	details: {
		statusCode: number;
		body: unknown;
		rawText?: string;
		headers: IDataObject;
		connection: InbankConnection;
		method: string;
		url: string;
		itemIndex: number;
		attempts?: number;
		wording?: ErrorWording;
	},
): NodeApiError {
	const { statusCode, connection } = details;
	const wording = details.wording ?? {};
	const secrets = connection.secrets;
	const tries = details.attempts && details.attempts > 1 ? ` (${details.attempts} attempts)` : '';
	const where = `${details.method} ${redact(details.url, secrets)}${tries}`;

	if (details.rawText !== undefined) {
		const excerpt = redact(details.rawText.replace(/\s+/g, ' ').trim().slice(0, 200), secrets);
		// A 2xx whose body is cut off or not JSON: a changing request most likely took effect.
		const mayHaveSucceeded = statusCode < 400 && changes(details.method);
		const message =
			statusCode >= 400
				? `${statusHeadline(statusCode)} (HTTP ${statusCode}) and its answer is not JSON`
				: mayHaveSucceeded
					? `Inbank answered HTTP ${statusCode} but its answer is cut off or not JSON: the request may have succeeded`
					: `Inbank answered HTTP ${statusCode} with a body that is not JSON`;
		const advice = mayHaveSucceeded
			? `Do not send it again before checking whether it took effect: ${wording.howToCheck ?? 'look it up in the shop’s Inbank portal'}.`
			: `Check the credential's host (${connection.displayBaseUrl}).`;
		return new NodeApiError(
			node,
			{ httpCode: String(statusCode), message: excerpt } as JsonObject,
			{
				message,
				description: `${where} answered: ${excerpt || '(empty)'}. ${advice}`,
				httpCode: String(statusCode),
				itemIndex: details.itemIndex,
			},
		);
	}

	const parsed = readInbankError(details.body);
	const inbankMessage = parsed.message ? redact(parsed.message, secrets) : undefined;
	const codes = parsed.codes.map((code) => redact(code, secrets));
	const explained = codes
		.map((code) => {
			const words = wording.errorCodes?.[code] ?? GENERIC_ERROR_CODES[code];
			return words ? `${code}: ${words}` : code;
		})
		.join('; ');

	const said = [inbankMessage, codes.length ? `errorCode ${codes.join(', ')}` : undefined]
		.filter(Boolean)
		.join(', ');
	const message = `${statusHeadline(statusCode)} (HTTP ${statusCode})${said ? `: ${said}` : ''}`;
	const description = [
		statusAdvice(statusCode, details.method, connection, details.headers, wording),
		explained ? `Inbank error codes: ${explained}.` : '',
		`Request: ${where}.`,
	]
		.filter(Boolean)
		.join(' ');

	const errorResponse: JsonObject = { httpCode: String(statusCode) };
	if (inbankMessage) errorResponse.message = inbankMessage;
	if (parsed.errorCode) errorResponse.errorCode = redact(parsed.errorCode, secrets);
	if (codes.length > 1) errorResponse.errorCodes = codes;

	const error = new NodeApiError(node, errorResponse, {
		message,
		description,
		httpCode: String(statusCode),
		itemIndex: details.itemIndex,
	});
	// NodeApiError rewrites some messages into generic ones; keep ours, which names the status.
	error.message = message;
	if (parsed.errorCode) error.context.errorCode = redact(parsed.errorCode, secrets);
	return error;
}

/** What n8n's HTTP helper throws when no answer arrived. */
export interface LowLevelError {
	message?: string;
	code?: string;
	cause?: unknown;
}

export function transportError(
	node: INode,
	error: LowLevelError,
	details: {
		connection: InbankConnection;
		method: string;
		url: string;
		timeoutMs: number;
		itemIndex: number;
		attempts?: number;
	},
): NodeApiError {
	const secrets = details.connection.secrets;
	const code = error.code ?? (error.cause as { code?: string } | undefined)?.code ?? '';
	const tries = details.attempts && details.attempts > 1 ? ` (${details.attempts} attempts)` : '';
	const where = `${details.method} ${redact(details.url, secrets)}${tries}`;
	const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(error.message ?? '');
	const message = timedOut
		? `Inbank did not answer within ${Math.round(details.timeoutMs / 1000)} s`
		: `Could not reach Inbank at ${details.connection.displayBaseUrl}`;
	const hostHint = UNCONFIRMED_HOST_COUNTRIES.includes(details.connection.country as 'lt')
		? ' Lithuania’s Inbank hosts are not published: set Base URL in the credential if Inbank gave you one.'
		: '';
	const description = `${where} failed${code ? ` (${code})` : ''}: ${redact(error.message ?? 'unknown error', secrets)}. Check the host in the Inbank API credential (environment, country or Base URL).${hostHint}`;
	const apiError = new NodeApiError(
		node,
		{ message: redact(error.message ?? 'request failed', secrets) } as JsonObject,
		{ message, description, itemIndex: details.itemIndex },
	);
	apiError.message = message;
	return apiError;
}
