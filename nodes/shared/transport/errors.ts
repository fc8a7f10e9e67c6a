import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { InbankConnection } from './connection';
import { BASE_URL_REQUIRED_COUNTRIES } from './hosts';

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
	/** A POST that only computes (a calculation): repeated and reported like a read. */
	readOnly?: boolean;
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

/** How much of a value from the answer an error shows: Inbank's message, one error code, other text. */
const SHOWN_LENGTH = { message: 300, code: 80, text: 200, header: 60, host: 80 } as const;
/** At most this many of a 422's error codes are listed. */
const SHOWN_CODES = 10;

/**
 * A value from the answer (Inbank's, or whatever answered in its place), as errors and logs show it:
 * secrets redacted, cut to `max` characters, in double quotes, with every control, format (bidi, zero
 * width) and line or paragraph separator character escaped, so that it can neither run long, nor start
 * a line of its own, nor reorder the text around it.
 */
function quoted(value: unknown, secrets: string[], max: number): string {
	const characters = Array.from(redact(String(value), secrets));
	const cut = characters.length > max ? `${characters.slice(0, max).join('')}…` : characters.join('');
	return JSON.stringify(cut).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (character) =>
		Array.from({ length: character.length }, (_, index) => `\\u${character.charCodeAt(index).toString(16).padStart(4, '0')}`).join(''),
	);
}

/** The same text without its quotes, for the structured fields of an error (errorResponse, context). */
const unquoted = (value: unknown, secrets: string[], max: number) => quoted(value, secrets, max).slice(1, -1);

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

/**
 * Whether a request may have changed something at Inbank (so it is never repeated blindly, and an
 * unknown outcome is reported as possibly done): every method but GET, unless the operation says that
 * its POST only computes (ErrorWording.readOnly).
 */
export const mayChange = (method: string, wording: ErrorWording = {}) => method !== 'GET' && wording.readOnly !== true;

/** For a changing request whose outcome is unknown: that it may have taken effect, and how to find out. */
function mayHaveTakenEffect(wording: ErrorWording): string {
	return `It may have taken effect at Inbank: ${wording.howToCheck ?? 'check in the shop’s Inbank portal whether it did'} before sending it again.`;
}

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
			if (connection.baseUrlHasUserinfo) {
				return 'Base URL carries a user:password, which n8n sends as HTTP Basic authentication in place of the API key: remove it from Base URL, unless the host is a gateway that authenticates to Inbank itself.';
			}
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
					? `Inbank's Retry-After ${quoted(header, connection.secrets, SHOWN_LENGTH.header)} is neither seconds nor an HTTP-date`
					: `Inbank asks to retry after ${Math.ceil(wait / 1000)} s`;
			return `Send fewer requests at once; ${asked}.`;
		}
		default:
			if (statusCode < 500) return '';
			if (!mayChange(method, wording)) return 'This is on Inbank’s side; try again later.';
			// A 5xx (often from a gateway in front of Inbank) does not prove that nothing was done.
			return `This is on Inbank’s side, and the request is not repeated automatically. ${mayHaveTakenEffect(wording)}`;
	}
}

interface RequestDetails {
	connection: InbankConnection;
	method: string;
	/** The request URL as errors show it (without a proxy's user:password). */
	url: string;
	itemIndex: number;
	attempts?: number;
	wording?: ErrorWording;
}

function requestLine(details: RequestDetails): string {
	const tries = details.attempts && details.attempts > 1 ? ` (${details.attempts} attempts)` : '';
	return `${details.method} ${redact(details.url, details.connection.secrets)}${tries}`;
}

export function inbankHttpError(
	node: INode,
	details: RequestDetails & {
		statusCode: number;
		body: unknown;
		rawText?: string;
		headers: IDataObject;
	},
): NodeApiError {
	const { statusCode, connection } = details;
	const wording = details.wording ?? {};
	const secrets = connection.secrets;
	const where = requestLine(details);

	if (details.rawText !== undefined) {
		const text = details.rawText.replace(/\s+/g, ' ').trim();
		// A 2xx whose body is cut off or not JSON: a changing request most likely took effect.
		const mayHaveSucceeded = statusCode < 400 && mayChange(details.method, wording);
		const message =
			statusCode >= 400
				? `${statusHeadline(statusCode)} (HTTP ${statusCode}) and its answer is not JSON`
				: mayHaveSucceeded
					? `Inbank answered HTTP ${statusCode} but its answer is cut off or not JSON: the request may have succeeded`
					: `Inbank answered HTTP ${statusCode} with a body that is not JSON`;
		const advice = mayHaveSucceeded
			? `Do not send it again before checking whether it took effect: ${wording.howToCheck ?? 'look it up in the shop’s Inbank portal'}.`
			: statusCode >= 500 && mayChange(details.method, wording)
				? `The request is not repeated automatically. ${mayHaveTakenEffect(wording)}`
				: `Check the credential's host (${connection.displayBaseUrl}).`;
		return new NodeApiError(
			node,
			{ httpCode: String(statusCode), message: unquoted(text, secrets, SHOWN_LENGTH.text) } as JsonObject,
			{
				message,
				description: `${where} answered: ${text ? quoted(text, secrets, SHOWN_LENGTH.text) : '(empty)'}. ${advice}`,
				httpCode: String(statusCode),
				itemIndex: details.itemIndex,
			},
		);
	}

	const parsed = readInbankError(details.body);
	const inbankMessage = parsed.message !== undefined ? quoted(parsed.message, secrets, SHOWN_LENGTH.message) : undefined;
	const shownCodes = parsed.codes.slice(0, SHOWN_CODES);
	const more = parsed.codes.length > SHOWN_CODES ? ` and ${parsed.codes.length - SHOWN_CODES} more` : '';
	const codes = shownCodes.map((code) => quoted(code, secrets, SHOWN_LENGTH.code));
	const explained = shownCodes
		.map((code, index) => {
			const words = explanation(wording.errorCodes, code) ?? explanation(GENERIC_ERROR_CODES, code);
			return words ? `${codes[index]}: ${words}` : codes[index];
		})
		.join('; ');

	const said = [inbankMessage, codes.length ? `errorCode ${codes.join(', ')}${more}` : undefined]
		.filter(Boolean)
		.join(', ');
	const message = `${statusHeadline(statusCode)} (HTTP ${statusCode})${said ? `: ${said}` : ''}`;
	const description = [
		statusAdvice(statusCode, details.method, connection, details.headers, wording),
		explained ? `Inbank error codes: ${explained}${more}.` : '',
		`Request: ${where}.`,
	]
		.filter(Boolean)
		.join(' ');

	const errorCode = parsed.errorCode !== undefined ? unquoted(parsed.errorCode, secrets, SHOWN_LENGTH.code) : undefined;
	const errorResponse: JsonObject = { httpCode: String(statusCode) };
	if (parsed.message !== undefined) errorResponse.message = unquoted(parsed.message, secrets, SHOWN_LENGTH.message);
	if (errorCode !== undefined) errorResponse.errorCode = errorCode;
	if (shownCodes.length > 1) errorResponse.errorCodes = shownCodes.map((code) => unquoted(code, secrets, SHOWN_LENGTH.code));

	const error = new NodeApiError(node, errorResponse, {
		message,
		description,
		httpCode: String(statusCode),
		itemIndex: details.itemIndex,
	});
	// NodeApiError rewrites some messages into generic ones; keep ours, which names the status.
	error.message = message;
	if (errorCode !== undefined) error.context.errorCode = errorCode;
	return error;
}

/** The words for an error code, from the table's own entries only (a code such as "__proto__" finds none). */
function explanation(table: Record<string, string> | undefined, code: string): string | undefined {
	return table && Object.prototype.hasOwnProperty.call(table, code) ? table[code] : undefined;
}

/**
 * A 3xx. Inbank's API does not redirect, and following one would send the API key (which also signs
 * Inbank's callbacks) to wherever it points: the redirect is not followed, and the error names only the
 * host it points to (its path or query may carry someone else's tokens).
 */
export function inbankRedirectError(
	node: INode,
	details: RequestDetails & { statusCode: number; location: unknown; requestUrl: string },
): NodeApiError {
	const { statusCode, connection } = details;
	const secrets = connection.secrets;
	let target: string;
	if (typeof details.location !== 'string' || details.location.trim() === '') {
		target = 'without a Location';
	} else {
		try {
			const location = new URL(details.location.trim(), details.requestUrl);
			const same = location.host === new URL(details.requestUrl).host;
			target = `to host ${quoted(location.host, secrets, SHOWN_LENGTH.host)}${same ? ' (the same host)' : ''}`;
		} catch {
			target = 'to a Location that is not a URL';
		}
	}
	const message = `Inbank's address answered with a redirect (HTTP ${statusCode}) ${target}; it was not followed`;
	const advice = mayChange(details.method, details.wording) ? ` ${mayHaveTakenEffect(details.wording ?? {})}` : '';
	const description = `${requestLine(details)} answered HTTP ${statusCode} ${target}. Inbank's API does not redirect, so the request was not sent there and the API key did not leave for another address. Check Base URL (or Environment and Country) in the Inbank API credential: it must be the address the API answers at.${advice}`;
	const error = new NodeApiError(node, { httpCode: String(statusCode), message } as JsonObject, {
		message,
		description,
		httpCode: String(statusCode),
		itemIndex: details.itemIndex,
	});
	error.message = message;
	return error;
}

/** What n8n's HTTP helper throws when no answer arrived. */
export interface LowLevelError {
	message?: string;
	code?: string;
	cause?: unknown;
}

/**
 * Failures that happen before the request is sent: the name does not resolve, nothing listens, no route,
 * the TLS certificate is refused (the request is written only after the handshake), the URL is invalid.
 */
const NOT_SENT_CODES = new Set([
	'ENOTFOUND',
	'EAI_AGAIN',
	'ECONNREFUSED',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EADDRNOTAVAIL',
	'ERR_INVALID_URL',
	'CERT_HAS_EXPIRED',
	'CERT_NOT_YET_VALID',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);
/** The connection was made and the request (at least partly) sent, then the connection ended. */
const DROPPED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_SOCKET_CLOSED']);

type Failure = 'notSent' | 'timeout' | 'dropped' | 'other';

function classify(low: { code: string; message: string; name: string }): Failure {
	const { code, message } = low;
	// n8n's SSRF protection refuses the address before connecting.
	if (NOT_SENT_CODES.has(code) || /^SsrfBlocked/.test(low.name)) return 'notSent';
	// The operating system gives up connecting: "connect ETIMEDOUT 203.0.113.1:443".
	if (code === 'ETIMEDOUT' && /^connect /.test(message)) return 'notSent';
	if (TIMEOUT_CODES.has(code) && (code !== 'ECONNABORTED' || /timeout/i.test(message))) return 'timeout';
	if (code === '' && /timeout/i.test(message)) return 'timeout';
	return DROPPED_CODES.has(code) ? 'dropped' : 'other';
}

function lowLevel(error: LowLevelError): { code: string; message: string; name: string } {
	const cause = error.cause as (LowLevelError & { name?: string }) | undefined;
	const code = error.code ?? cause?.code ?? '';
	return {
		// Node's codes are upper-case words; anything else is not shown as a code.
		code: /^[A-Z][A-Z0-9_]{0,40}$/.test(code) ? code : '',
		message: cause?.message ?? error.message ?? '',
		name: cause?.name ?? '',
	};
}

export function transportError(
	node: INode,
	error: LowLevelError,
	details: RequestDetails & { timeoutMs: number },
): NodeApiError {
	const { connection } = details;
	const secrets = connection.secrets;
	const wording = details.wording ?? {};
	const changing = mayChange(details.method, wording);
	const where = requestLine(details);
	const low = lowLevel(error);
	const failure = classify(low);
	const said = `${low.code ? ` (${low.code})` : ''}: ${quoted(low.message || error.message || 'unknown error', secrets, SHOWN_LENGTH.text)}`;
	const seconds = Math.round(details.timeoutMs / 1000);
	let message: string;
	let description: string;
	if (failure === 'notSent') {
		const hostHint = BASE_URL_REQUIRED_COUNTRIES.includes(connection.country as 'lt')
			? ' Inbank publishes no Lithuanian host: Base URL must be the address Inbank gave the shop.'
			: '';
		message = `Could not reach Inbank at ${connection.displayBaseUrl}`;
		description = `${where} failed before anything was sent${said}. Check the host in the Inbank API credential (environment, country or Base URL).${hostHint}`;
	} else if (failure === 'timeout') {
		message = `Inbank did not answer within ${seconds} s${changing ? '; the request may have taken effect' : ''}`;
		description = `${where} got no answer within ${seconds} s${said}. ${
			changing ? mayHaveTakenEffect(wording) : 'Try again later, or allow more time (Options → Timeout).'
		}`;
	} else {
		const what = failure === 'dropped' ? 'The connection to Inbank was dropped before it answered' : `The request to Inbank failed${low.code ? ` (${low.code})` : ''}`;
		message = `${what}${changing ? '; the request may have taken effect' : ''}`;
		description = `${where} failed${said}. ${changing ? mayHaveTakenEffect(wording) : 'Try again later.'}`;
	}
	const apiError = new NodeApiError(
		node,
		{ message: unquoted(low.message || error.message || 'request failed', secrets, SHOWN_LENGTH.text), ...(low.code ? { code: low.code } : {}) } as JsonObject,
		{ message, description, itemIndex: details.itemIndex },
	);
	apiError.message = message;
	return apiError;
}
