import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { CREDENTIAL_TYPE, type InbankConnection, type InbankContext } from './connection';
import { type ErrorWording, inbankHttpError, type LowLevelError, parseRetryAfter, transportError } from './errors';

const API_PREFIX = '/partner/v3/shops';
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface InbankRequest extends ErrorWording {
	method: IHttpRequestMethods;
	/** Path below /partner/v3/shops/{shopUuid}, starting with a slash. */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	timeoutMs?: number;
}

export interface InbankResponse {
	statusCode: number;
	headers: IDataObject;
	/** Parsed JSON, or undefined for an empty body. */
	body: unknown;
}

export interface RetryPolicy {
	retries: number;
	baseDelayMs: number;
	maxWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 2, baseDelayMs: 500, maxWaitMs: 30_000 };

function shopPath(connection: Pick<InbankConnection, 'shopUuid'>, path: string): string {
	return `${API_PREFIX}/${encodeURIComponent(connection.shopUuid)}${path}`;
}

/**
 * When a failed attempt may be repeated, and after how long: 429 and 503 mean Inbank did not process
 * the request, so any method may be sent again; other failures only for GET, which changes nothing. A
 * POST that may have created something is never repeated blindly.
 */
function retryDecision(
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
	const wait = parseRetryAfter(outcome.headers?.['retry-after']);
	if (wait === undefined) return backoff;
	// Waiting longer than we may would only fail later; fail now with Inbank's answer.
	return wait <= policy.maxWaitMs ? wait : undefined;
}

/**
 * Sends one request to Inbank with the credential's bearer key, repeating it as retryDecision allows.
 * Every failure (HTTP status >= 400, a body that is not JSON, a timeout, a refused connection) comes
 * back as a NodeApiError (see errors.ts).
 */
export async function inbankApiRequest(
	this: InbankContext,
	connection: InbankConnection,
	request: InbankRequest,
	itemIndex: number,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<InbankResponse> {
	const url = `${connection.baseUrl}${shopPath(connection, request.path)}`;
	// What errors show: the same URL without a proxy's user:password.
	const shownUrl = `${connection.displayBaseUrl}${shopPath(connection, request.path)}`;
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
				credentialsDecrypted: {
					id: CREDENTIAL_TYPE,
					name: CREDENTIAL_TYPE,
					type: CREDENTIAL_TYPE,
					data: connection.credentialData,
				},
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
				url: shownUrl,
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
			const wait = retryDecision(
				request.method,
				{ statusCode: response.statusCode, headers: response.headers },
				attempt,
				policy,
			);
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
				url: shownUrl,
				itemIndex,
				attempts: attempt + 1,
				wording: request,
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
