// Faults injected through the control API: the next `count` partner-API requests that match
// (method and/or a substring of the path) fail in the chosen way, before authentication, the way a
// gateway or an overloaded backend fails in front of the real API. `delayed` is the exception: the
// request is answered as usual, but the answer (the state when the request arrived) is sent late.
import { sendHtml, sendJson } from './http.mjs';

export const FAULT_MODES = ['status', 'slow', 'delayed', 'drop', 'non-json', 'truncated'];

/** The `message` of an injected error status, in Inbank's `{ message }` shape. */
export const STATUS_MESSAGES = {
	400: 'bad_request',
	401: 'unauthorized',
	403: 'forbidden',
	404: 'not_found',
	409: 'conflict',
	422: 'unprocessable_entity',
	429: 'Too Many Requests',
	500: 'internal_server_error',
	502: 'bad_gateway',
	503: 'service_unavailable',
	504: 'gateway_timeout',
};

export class FaultError extends Error {}

export class Faults {
	list = [];

	/** Checks a control-API fault spec and queues it; returns the queued fault. Throws FaultError. */
	add(spec) {
		if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new FaultError('the body must be a JSON object');
		const mode = spec.mode ?? 'status';
		if (!FAULT_MODES.includes(mode)) throw new FaultError(`mode must be one of ${FAULT_MODES.join(', ')}`);
		const status = spec.status ?? { status: 500, 'non-json': 502, truncated: 200 }[mode];
		if (mode === 'status' && !(Number.isInteger(status) && status >= 400 && status <= 599)) throw new FaultError('status must be an HTTP error status (400-599)');
		if ((mode === 'non-json' || mode === 'truncated') && !(Number.isInteger(status) && status >= 200 && status <= 599)) throw new FaultError('status must be 200-599');
		const count = spec.count ?? 1;
		if (!Number.isInteger(count) || count < 1) throw new FaultError('count must be a whole number >= 1');
		const delayMs = spec.delayMs ?? (mode === 'slow' || mode === 'delayed' ? 2000 : 0);
		if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > 120_000) throw new FaultError('delayMs must be a whole number of milliseconds, 0-120000');
		if (spec.retryAfter !== undefined && !(Number.isInteger(spec.retryAfter) && spec.retryAfter >= 0)) throw new FaultError('retryAfter must be a whole number of seconds');
		if (spec.method !== undefined && typeof spec.method !== 'string') throw new FaultError('method must be a string');
		if (spec.path !== undefined && typeof spec.path !== 'string') throw new FaultError('path must be a string (matched as a substring of the request path)');
		const fault = { mode, status: ['slow', 'delayed', 'drop'].includes(mode) ? undefined : status, count, delayMs, retryAfter: spec.retryAfter, method: spec.method?.toUpperCase(), path: spec.path };
		this.list.push(fault);
		return { ...fault };
	}

	/** The first queued fault matching the request, counted down (and removed when used up). */
	take(method, path) {
		const index = this.list.findIndex((f) => (!f.method || f.method === method) && (!f.path || path.includes(f.path)));
		if (index === -1) return undefined;
		const fault = this.list[index];
		fault.count -= 1;
		if (fault.count <= 0) this.list.splice(index, 1);
		return fault;
	}

	clear() {
		this.list = [];
	}
}

/**
 * Applies a fault to the response. Resolves true when the request is finished (answered or dropped),
 * false when it should go on normally (after a `slow` delay). `wait(ms)` ends early on shutdown.
 */
export async function applyFault(fault, req, res, wait) {
	if (fault.delayMs > 0) await wait(fault.delayMs);
	switch (fault.mode) {
		case 'slow':
			return false;
		case 'drop':
			// No answer at all: the connection is closed under the client.
			req.socket.destroy();
			return true;
		case 'status':
			sendJson(res, fault.status, { message: STATUS_MESSAGES[fault.status] ?? 'error' }, fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) });
			return true;
		case 'non-json':
			// What a proxy or load balancer in front of the API answers.
			sendHtml(res, fault.status, `<html><head><title>${fault.status}</title></head><body><h1>${fault.status} ${STATUS_MESSAGES[fault.status] ?? ''}</h1></body></html>`);
			return true;
		case 'truncated': {
			// A complete HTTP answer whose JSON is cut short.
			const text = '{"uuid":"3f1c2a';
			res.writeHead(fault.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
			res.end(text);
			return true;
		}
		default:
			return false;
	}
}
