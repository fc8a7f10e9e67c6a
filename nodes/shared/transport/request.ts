import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { CREDENTIAL_TYPE, type InbankConnection, type InbankContext } from './connection';
import {
	type ErrorWording,
	inbankHttpError,
	inbankRedirectError,
	type LowLevelError,
	mayChange,
	parseRetryAfter,
	transportError,
} from './errors';

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
 * When a failed attempt may be repeated, and after how long. A request that may change something (POST,
 * PATCH) is repeated only after a 429, by which Inbank says it did not process it: a 5xx, often from a
 * gateway in front of Inbank, a timeout or a dropped connection do not prove that nothing was done, and a
 * repeated Create could open a second session for one order. A read (GET, or a POST that only computes)
 * changes nothing and is also repeated after 500, 502, 503, 504, a timeout or a failed connection.
 */
function retryDecision(
	changing: boolean,
	outcome: { statusCode?: number; transportFailure?: boolean; headers?: IDataObject },
	attempt: number,
	policy: RetryPolicy,
): number | undefined {
	if (attempt >= policy.retries) return undefined;
	const status = outcome.statusCode;
	const retryable =
		status === 429 ||
		(!changing &&
			(outcome.transportFailure || status === 500 || status === 502 || status === 503 || status === 504));
	if (!retryable) return undefined;
	const backoff = Math.min(policy.maxWaitMs, policy.baseDelayMs * 2 ** attempt);
	const wait = parseRetryAfter(outcome.headers?.['retry-after']);
	if (wait === undefined) return backoff;
	// Waiting longer than we may would only fail later; fail now with Inbank's answer.
	return wait <= policy.maxWaitMs ? wait : undefined;
}

/**
 * Sends one request to Inbank with the credential's bearer key, repeating it as retryDecision allows.
 * Every failure (a redirect, HTTP status >= 400, a body that is not JSON, a timeout, a refused
 * connection) comes back as a NodeApiError (see errors.ts).
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
		// The bearer key also signs Inbank's callbacks: it goes to the credential's host only. n8n follows
		// redirects by default and keeps the Authorization header across origins; a 3xx is an error here.
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
	};
	const details = { connection, method: request.method, url: shownUrl, itemIndex, wording: request };
	const changing = mayChange(request.method, request);

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
			const wait = retryDecision(changing, { transportFailure: true }, attempt, policy);
			if (wait !== undefined) {
				await sleep(wait);
				continue;
			}
			throw transportError(this.getNode(), error as LowLevelError, {
				...details,
				timeoutMs: options.timeout as number,
				attempts: attempt + 1,
			});
		}

		if (response.statusCode >= 300 && response.statusCode < 400) {
			throw inbankRedirectError(this.getNode(), {
				...details,
				statusCode: response.statusCode,
				location: response.headers?.location,
				requestUrl: url,
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
				changing,
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
				...details,
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
