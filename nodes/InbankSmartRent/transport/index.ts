import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INode,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import { z } from 'zod';

import { formatIssues, isHttpUrl } from '../contract/primitives';
import { COUNTRIES, ENVIRONMENTS, HOSTS, resolveBaseUrl, UNCONFIRMED_HOST_COUNTRIES } from './hosts';

export const CREDENTIAL_TYPE = 'inbankApi';
export const API_PREFIX = '/partner/v3/shops';
export const DEFAULT_TIMEOUT_MS = 30_000;

const credentialSchema = z.object({
	apiKey: z.string({ required_error: 'is required' }).trim().min(1, { message: 'must not be empty' }),
	environment: z.enum(ENVIRONMENTS),
	country: z.enum(COUNTRIES),
	shopUuid: z.string({ required_error: 'is required' }).trim().min(1, { message: 'must not be empty' }),
	baseUrl: z
		.string()
		.trim()
		.refine((value) => value === '' || isHttpUrl(value), {
			message: 'must be empty or an http(s) URL such as http://127.0.0.1:4010',
		})
		.optional(),
});

export interface InbankConnection {
	apiKey: string;
	shopUuid: string;
	environment: 'demo' | 'production';
	country: string;
	baseUrl: string;
	/** 'custom' when the credential's base URL replaced the Inbank host. */
	target: 'demo' | 'production' | 'custom';
	/** The decrypted credential, handed to n8n's request helper so it is not loaded again per request. */
	credentialData: ICredentialDataDecryptedObject;
}

/** The n8n contexts this module serves: node executions and the trigger's webhook. */
export type InbankContext = IExecuteFunctions | IWebhookFunctions;

const connections = new WeakMap<object, Promise<InbankConnection>>();

/**
 * The credential, read and checked once per node execution (or webhook call): n8n loads and decrypts
 * credentials on every getCredentials call, which would dominate the cost of a many-item run.
 */
export async function getInbankConnection(this: InbankContext, itemIndex = 0): Promise<InbankConnection> {
	let connection = connections.get(this);
	if (!connection) {
		connection = loadConnection.call(this, itemIndex);
		connections.set(this, connection);
		connection.catch(() => connections.delete(this));
	}
	return await connection;
}

async function loadConnection(this: InbankContext, itemIndex: number): Promise<InbankConnection> {
	const raw = await (this as IExecuteFunctions).getCredentials(CREDENTIAL_TYPE, itemIndex);
	const credentialData = raw;
	const parsed = credentialSchema.safeParse(raw);
	if (!parsed.success) {
		const problems = formatIssues(parsed.error.issues).map((problem) => `Inbank API credential: ${problem}`);
		throw new NodeOperationError(this.getNode(), problems[0], {
			description: problems.join('\n'),
			itemIndex,
		});
	}
	const credentials = parsed.data;
	const custom = Boolean(credentials.baseUrl);
	return {
		apiKey: credentials.apiKey,
		shopUuid: credentials.shopUuid,
		environment: credentials.environment,
		country: credentials.country,
		baseUrl: resolveBaseUrl(credentials),
		target: custom ? 'custom' : credentials.environment,
		credentialData,
	};
}

export interface InbankResponse {
	statusCode: number;
	headers: IDataObject;
	/** Parsed JSON, or undefined for an empty body. */
	body: unknown;
}

export interface InbankRequest {
	method: IHttpRequestMethods;
	/** Path below /partner/v3/shops/{shopUuid}, starting with a slash. */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	timeoutMs?: number;
}

export function shopPath(connection: Pick<InbankConnection, 'shopUuid'>, path: string): string {
	return `${API_PREFIX}/${encodeURIComponent(connection.shopUuid)}${path}`;
}

/**
 * Sends one request to Inbank with the credential's bearer key. Every failure (HTTP status >= 400,
 * a body that is not JSON, a timeout, a refused connection) comes back as a NodeApiError built from
 * sanitised data only, so that no request header (and so no API key) can end up in an error.
 */
/**
 * When a failed attempt may be repeated: 429 and 503 mean Inbank did not process the request, so any
 * method may be sent again; other failures only for GET, which changes nothing. A POST that may have
 * created a session is never repeated blindly.
 */
export function retryDecision(
	method: string,
	outcome: { statusCode?: number; transportFailure?: boolean; headers?: IDataObject },
	attempt: number,
	policy: RetryPolicy,
): number | undefined {
	if (attempt >= policy.retries) return undefined;
	const safeToRepeat = method === 'GET';
	const status = outcome.statusCode;
	const retryable =
		status === 429 ||
		status === 503 ||
		(safeToRepeat && (outcome.transportFailure || status === 500 || status === 502 || status === 504));
	if (!retryable) return undefined;
	const backoff = Math.min(policy.maxWaitMs, policy.baseDelayMs * 2 ** attempt);
	const retryAfter = Number(outcome.headers?.['retry-after']);
	if (Number.isFinite(retryAfter) && retryAfter >= 0) {
		const wait = retryAfter * 1000;
		// Waiting longer than we may would only fail later; fail now with Inbank's answer.
		return wait <= policy.maxWaitMs ? wait : undefined;
	}
	return backoff;
}

export interface RetryPolicy {
	retries: number;
	baseDelayMs: number;
	maxWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 2, baseDelayMs: 500, maxWaitMs: 30_000 };

export async function inbankApiRequest(
	this: InbankContext,
	connection: InbankConnection,
	request: InbankRequest,
	itemIndex: number,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<InbankResponse> {
	const url = `${connection.baseUrl}${shopPath(connection, request.path)}`;
	const options: IHttpRequestOptions = {
		method: request.method,
		url,
		qs: request.qs,
		body: request.body,
		json: true,
		// Raw text, so that a body that is not JSON is reported as such instead of passed on.
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
	};

	for (let attempt = 0; ; attempt++) {
		let response: { statusCode: number; headers?: IDataObject; body?: unknown };
		try {
			response = await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, options, {
				credentialsDecrypted: { id: CREDENTIAL_TYPE, name: CREDENTIAL_TYPE, type: CREDENTIAL_TYPE, data: connection.credentialData },
			});
		} catch (error) {
			const wait = retryDecision(request.method, { transportFailure: true }, attempt, policy);
			if (wait !== undefined) {
				await sleep(wait);
				continue;
			}
			throw transportError(this.getNode(), error as LowLevelError, {
				connection,
				method: request.method,
				url,
				timeoutMs: options.timeout as number,
				itemIndex,
				attempts: attempt + 1,
			});
		}

		const text = typeof response.body === 'string' ? response.body : bodyToText(response.body);
		let body: unknown = undefined;
		let jsonOk = true;
		if (text.trim() !== '') {
			try {
				body = JSON.parse(text);
			} catch {
				jsonOk = false;
			}
		}

		if (response.statusCode >= 400 || !jsonOk) {
			const wait = retryDecision(request.method, { statusCode: response.statusCode, headers: response.headers }, attempt, policy);
			if (wait !== undefined) {
				await sleep(wait);
				continue;
			}
			throw inbankHttpError(this.getNode(), {
				statusCode: response.statusCode,
				body: jsonOk ? body : undefined,
				rawText: jsonOk ? undefined : text,
				headers: response.headers ?? {},
				connection,
				method: request.method,
				url,
				itemIndex,
				attempts: attempt + 1,
			});
		}
		return { statusCode: response.statusCode, headers: response.headers ?? {}, body };
	}
}

function bodyToText(body: unknown): string {
	if (body === undefined || body === null) return '';
	if (typeof body === 'object') return JSON.stringify(body);
	return String(body);
}

/** Replaces the secret wherever it appears; used on everything that reaches an error or an item. */
export function redact(text: string, secret: string): string {
	if (!secret || secret.length < 4) return text;
	return text.split(secret).join('[redacted]');
}

interface InbankErrorBody {
	message?: string;
	errorCode?: string;
	codes: string[];
}

/** Reads Inbank's `{ message, errorCode }` and the 422 form that lists several codes. */
export function readInbankError(body: unknown): InbankErrorBody {
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

/** Inbank's error codes in words a merchant understands. */
export const ERROR_CODE_EXPLANATIONS: Record<string, string> = {
	CONSTRAINTS_VIOLATED_GENERAL:
		'the request breaks one of Inbank’s rules for this product (for asset identifiers: only the hero device can be identified)',
	ASSET_MODEL_NOT_FOUND: 'Inbank does not know the asset model (check modelId against Get Asset Conditions)',
};

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

function statusAdvice(statusCode: number, connection: InbankConnection, headers: IDataObject): string {
	const host = connection.baseUrl;
	switch (statusCode) {
		case 401:
			return `Check the API key in the Inbank API credential: copy it whole, without spaces, and use a ${connection.environment} key for the ${connection.environment} environment (host ${host}).`;
		case 403:
			return `Check Shop UUID in the Inbank API credential: it must be the shop this API key was issued for (now ${connection.shopUuid}).`;
		case 404:
			return `Check Shop UUID, the environment (${connection.environment}) and the country (${connection.country.toUpperCase()}) in the credential, and any uuid or product code in the node (host ${host}).`;
		case 429: {
			const retryAfter = headers['retry-after'];
			return `Send fewer requests at once${retryAfter ? `; Inbank asks to retry after ${String(retryAfter)} s` : ''}.`;
		}
		default:
			if (statusCode >= 500) return 'This is on Inbank’s side; try again later. A POS session request is not retried automatically, so check for a created session before resending.';
			return '';
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
	},
): NodeApiError {
	const { statusCode, connection } = details;
	const secret = connection.apiKey;
	const tries = details.attempts && details.attempts > 1 ? ` (${details.attempts} attempts)` : '';
	const where = `${details.method} ${redact(details.url, secret)}${tries}`;

	if (details.rawText !== undefined) {
		const excerpt = redact(details.rawText.replace(/\s+/g, ' ').trim().slice(0, 200), secret);
		const message =
			statusCode >= 400
				? `${statusHeadline(statusCode)} (HTTP ${statusCode}) and its answer is not JSON`
				: `Inbank answered HTTP ${statusCode} with a body that is not JSON`;
		return new NodeApiError(
			node,
			{ httpCode: String(statusCode), message: excerpt } as JsonObject,
			{
				message,
				description: `${where} answered: ${excerpt || '(empty)'}. Check the credential's host (${connection.baseUrl}).`,
				httpCode: String(statusCode),
				itemIndex: details.itemIndex,
			},
		);
	}

	const parsed = readInbankError(details.body);
	const inbankMessage = parsed.message ? redact(parsed.message, secret) : undefined;
	const codes = parsed.codes.map((code) => redact(code, secret));
	const explained = codes
		.map((code) => (ERROR_CODE_EXPLANATIONS[code] ? `${code}: ${ERROR_CODE_EXPLANATIONS[code]}` : code))
		.join('; ');

	const headline = statusHeadline(statusCode);
	const said = [inbankMessage, codes.length ? `errorCode ${codes.join(', ')}` : undefined]
		.filter(Boolean)
		.join(', ');
	const message = `${headline} (HTTP ${statusCode})${said ? `: ${said}` : ''}`;
	const description = [
		statusAdvice(statusCode, connection, details.headers),
		explained ? `Inbank error codes: ${explained}.` : '',
		`Request: ${where}.`,
	]
		.filter(Boolean)
		.join(' ');

	const errorResponse: JsonObject = { httpCode: String(statusCode) };
	if (inbankMessage) errorResponse.message = inbankMessage;
	if (parsed.errorCode) errorResponse.errorCode = redact(parsed.errorCode, secret);
	if (codes.length > 1) errorResponse.errorCodes = codes;

	const error = new NodeApiError(node, errorResponse, {
		message,
		description,
		httpCode: String(statusCode),
		itemIndex: details.itemIndex,
	});
	// NodeApiError rewrites some messages into generic ones; keep ours, which names the status.
	error.message = message;
	if (parsed.errorCode) error.context.errorCode = redact(parsed.errorCode, secret);
	return error;
}

interface LowLevelError {
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
	const secret = details.connection.apiKey;
	const code = error.code ?? (error.cause as { code?: string } | undefined)?.code ?? '';
	const tries = details.attempts && details.attempts > 1 ? ` (${details.attempts} attempts)` : '';
	const where = `${details.method} ${redact(details.url, secret)}${tries}`;
	const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(error.message ?? '');
	const message = timedOut
		? `Inbank did not answer within ${Math.round(details.timeoutMs / 1000)} s`
		: `Could not reach Inbank at ${details.connection.baseUrl}`;
	const hostHint = UNCONFIRMED_HOST_COUNTRIES.includes(details.connection.country as 'lt')
		? ' Lithuania’s Inbank hosts are not published: set Base URL in the credential if Inbank gave you one.'
		: '';
	const description = `${where} failed${code ? ` (${code})` : ''}: ${redact(error.message ?? 'unknown error', secret)}. Check the host in the Inbank API credential (environment, country or Base URL).${hostHint}`;
	const apiError = new NodeApiError(
		node,
		{ message: redact(error.message ?? 'request failed', secret) } as JsonObject,
		{ message, description, itemIndex: details.itemIndex },
	);
	apiError.message = message;
	return apiError;
}

export { HOSTS };
