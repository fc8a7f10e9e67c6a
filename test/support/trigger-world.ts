import type { IDataObject, IHttpRequestOptions, INodeExecutionData, INodeParameters, INodeType, IWebhookResponseData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { computeSignature } from '../../nodes/InbankSmartRentTrigger/signature';
import { fakeTriggerExecuteContext, fakeWebhookContext } from './fake-context';
import { API_KEY, credentials, SHOP_UUID } from './fixtures';
import { FakeProcessedData } from './processed-data';

/**
 * A world for the trigger to live in, on jest's fake clock: Inbank (its sessions' status changes, its
 * record as reads see it, its callbacks, copies and retries), callers that are not Inbank, two n8n
 * processes that take webhooks and run executions (queue mode: the webhook process and the worker of
 * one callback may differ) and restart, and n8n's processed-data store they share. The real node class
 * answers every callback (webhook()) and runs every execution (execute()); the world only records what
 * happened, and `violations()` judges it.
 *
 * What the world assumes (the conditions the README promises "once" under):
 * - callbacks reach one webhook process (the README routes the trigger's URL to one); when it stops, the
 *   load balancer needs `failoverMs` (≥ 2 s) to send them to the other, and refuses them meanwhile.
 *   With `spread`, callbacks go to both processes in turn instead (no such routing): then the README's
 *   bound is what holds, a delivery runs at most twice and never twice within one process;
 * - a stopping process finishes its executions and its pending look-ups in n8n's store (graceful);
 * - n8n's store answers each query within 25 ms; executions start within 300 ms of their callback.
 */

export const STATUSES = ['pending', 'granted', 'completed', 'cancelled', 'declined', 'expired'] as const;
export type Status = (typeof STATUSES)[number];
/** How far along the lifecycle a status is: pending < granted < the final ones. */
export const RANK: Record<Status, number> = { pending: 0, granted: 1, completed: 2, cancelled: 2, declined: 2, expired: 2 };
export type Spelling = 'lower' | 'upper' | 'mixed';
export type Verification = 'signature' | 'urlToken' | 'none';

export interface Copy {
	/** After the status change, when it is sent. */
	delay: number;
	/** POST with a form body (Inbank's server copy), or GET with the fields in the query (a browser copy). */
	via: 'POST' | 'GET';
	spelling: Spelling;
	/** Only uuid and status, as a shop forwards the browser's parameters (unsigned modes only). */
	plain: boolean;
	/** Inbank's waits before sending again when the answer was not 2xx (server copies); none: not resent. */
	backoffs: number[];
	/** Sent once more this long after a 2xx answer (Inbank repeating itself). */
	resend?: number;
}

export interface SessionPlan {
	/** The statuses it goes through, starting with pending. */
	path: Status[];
	/** Milliseconds before each status change (the first: after the start). */
	gaps: number[];
	/** How long Inbank's record takes to show each status to reads (its read side lags). */
	lags: number[];
	/** Whether Inbank sends a callback for pending. */
	sendsPending: boolean;
	/** Per status in `path`, the copies sent for it. */
	copies: Copy[][];
}

export interface Forgery {
	at: number;
	/** Index of a real session, or -1 for a made-up one. */
	session: number;
	spelling: Spelling;
	status: Status;
	/** Shaped like a signed callback (with a made-up hmac), or plain. */
	signedShape: boolean;
}

export interface Restart {
	proc: 0 | 1;
	at: number;
	downMs: number;
	failoverMs: number;
}

export interface Plan {
	/** Whether the trigger has claimed before (n8n's store has its row), or this is its first claim. */
	claimedBefore: boolean;
	verification: Verification;
	fetchSession: boolean;
	statuses: Status[];
	routeByStatus: boolean;
	sessions: SessionPlan[];
	forgeries: Forgery[];
	restarts: Restart[];
	/** Cycled: how long each read of Inbank takes. */
	readLatencies: number[];
	/** Cycled: how long each query to n8n's store takes to get there (and as long to come back). */
	storeLatencies: number[];
	/** Cycled: how long each execution waits in n8n's queue. */
	queueDelays: number[];
	/** Cycled: which process runs each execution. */
	workers: Array<0 | 1>;
	/** Callbacks go to both webhook processes in turn (no routing of the trigger's URL to one). */
	spread?: boolean;
}

/** What a caller that is not Inbank puts in its callbacks; none of it may reach an item. */
export const FORGED = { purchaseReference: 'FORGED-order-EXPENSIVE-9', creditContractUuid: 'FORGED-contract', totalAmount: '987654.32', currency: 'XFG' };
const FORGED_MARKS = ['FORGED', '987654.32', 'XFG'];
const TOKEN = 't0ken-'.repeat(8);
const INBANK = 'https://inbank.model.test';

interface Attempt {
	session: number;
	status: Status;
	/** Inbank's own delivery (its server copy or the browser's), as opposed to a forgery. */
	genuine: boolean;
	at: number;
	code?: number;
	/** Inbank's record as each read made for this attempt saw it (undefined: not found). */
	observed: Array<Status | undefined>;
	executed: boolean;
}

interface Run {
	item: IDataObject;
	output: number;
	at: number;
	/** The process (one life of it) whose execution emitted it. */
	ranIn: INodeType;
}

type Process = { instance: INodeType; down?: { from: number; until: number; failoverUntil: number } };

const cycle = <T>(values: T[]) => {
	let next = 0;
	return () => values[next++ % values.length];
};

function spell(uuid: string, spelling: Spelling): string {
	if (spelling === 'upper') return uuid.toUpperCase();
	if (spelling === 'mixed') return [...uuid].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('');
	return uuid;
}

let worldCount = 0;

export class World {
	readonly runs: Run[] = [];
	readonly attempts: Attempt[] = [];
	readonly errors: string[] = [];
	private readonly store: FakeProcessedData;
	private readonly procs: Process[];
	private readonly workflowId: string;
	private readonly uuids: string[];
	/** Per session, when each status becomes visible to reads, and when it happened. */
	private readonly visible: number[][];
	private readonly changedAt: number[][];
	private readonly parameters: INodeParameters;
	private readonly readLatency: () => number;
	private readonly queueDelay: () => number;
	private readonly worker: () => 0 | 1;
	private pending = 0;
	private spreadNext = 0;
	private readonly start: number;

	/** `pool`: fresh instances of the node class, each with its own module state (one per process life). */
	constructor(
		readonly plan: Plan,
		private readonly pool: INodeType[],
	) {
		const id = ++worldCount;
		this.workflowId = `wf-model-${id}`;
		this.start = Date.now();
		this.uuids = plan.sessions.map((_, k) => `${id.toString(16).padStart(8, '0')}-${k.toString(16).padStart(4, '0')}-4a5b-8c9d-${(id * 7 + k).toString(16).padStart(12, 'e')}`);
		this.visible = [];
		this.changedAt = [];
		for (const session of plan.sessions) {
			let t = 0;
			let seen = 0;
			const changes: number[] = [];
			const visible: number[] = [];
			session.path.forEach((_, i) => {
				t += session.gaps[i];
				changes.push(t);
				seen = Math.max(seen, t + (i === 0 ? 0 : session.lags[i]));
				visible.push(seen);
			});
			this.changedAt.push(changes);
			this.visible.push(visible);
		}
		this.store = new FakeProcessedData(cycle(plan.storeLatencies));
		if (plan.claimedBefore) this.store.seed(['an earlier delivery'], this.workflowId);
		this.procs = [{ instance: pool[0] }, { instance: pool[1] }];
		this.readLatency = cycle(plan.readLatencies);
		this.queueDelay = cycle(plan.queueDelays);
		this.worker = cycle(plan.workers);
		this.parameters = {
			verification: plan.verification,
			fetchSession: plan.fetchSession,
			statuses: plan.statuses,
			routeByStatus: plan.routeByStatus,
			...(plan.verification === 'urlToken' ? { callbackToken: TOKEN } : {}),
		};
	}

	private now(): number {
		return Date.now() - this.start;
	}

	/** Inbank's record of session k as a read made now sees it (undefined before it exists). */
	private recordNow(k: number): { status: Status; record: IDataObject } | undefined {
		const t = this.now();
		const visible = this.visible[k];
		let i = -1;
		while (i + 1 < visible.length && visible[i + 1] <= t) i++;
		if (i < 0) return undefined;
		return { status: this.plan.sessions[k].path[i], record: this.snapshot(k, i) };
	}

	/** Inbank's record of session k with status path[i]: what every business field of a run must equal. */
	snapshot(k: number, i: number): IDataObject {
		const path = this.plan.sessions[k].path;
		const contract = path.slice(0, i + 1).includes('granted');
		return {
			uuid: this.uuids[k],
			status: path[i],
			purchase: { purchaseReference: `order-${k}-CHEAP` },
			creditContractUuid: contract ? `c0ffee00-0000-4000-8000-${String(k).padStart(12, '0')}` : null,
			totalAmount: 100 + k,
			currency: 'EUR',
		};
	}

	/** Schedules everything the plan says; `settle()` then runs the clock until all of it is done. */
	begin(): void {
		this.plan.sessions.forEach((session, k) => {
			session.path.forEach((status, i) => {
				if (status === 'pending' && !session.sendsPending) return;
				session.copies[i].forEach((copy, c) => {
					this.later(this.changedAt[k][i] + copy.delay, () => this.send(k, i, copy, c === 0, 0));
				});
			});
		});
		for (const forgery of this.plan.forgeries) this.later(forgery.at, () => this.forge(forgery));
		this.plan.restarts.forEach((restart, r) => {
			const proc = this.procs[restart.proc];
			this.later(restart.at, () => {
				proc.down = { from: restart.at, until: restart.at + restart.downMs, failoverUntil: restart.at + restart.failoverMs };
			});
			this.later(restart.at + restart.downMs, () => {
				proc.down = undefined;
				proc.instance = this.pool[2 + r];
			});
		});
	}

	async settle(): Promise<void> {
		for (let round = 0; round < 1000 && (this.pending > 0 || jest.getTimerCount() > 0); round++) {
			await jest.advanceTimersByTimeAsync(1_000);
		}
		if (this.pending > 0) this.errors.push(`${this.pending} deliveries or executions never finished`);
	}

	private later(at: number, work: () => Promise<void> | void): void {
		this.pending++;
		void sleep(Math.max(0, at - this.now()))
			.then(work)
			.catch((error: Error) => this.errors.push(`the world failed: ${error.stack ?? error.message}`))
			.finally(() => this.pending--);
	}

	/** The process a callback reaches now: the first one, or the other once the balancer has noticed. */
	private webhookProcess(): Process | undefined {
		const t = this.now();
		if (this.plan.spread) {
			const chosen = this.procs[this.spreadNext++ % 2];
			const other = this.procs[chosen === this.procs[0] ? 1 : 0];
			if (!chosen.down) return chosen;
			return t >= chosen.down.failoverUntil && !other.down ? other : undefined;
		}
		const [first, second] = this.procs;
		if (!first.down) return first;
		if (t < first.down.failoverUntil || second.down) return undefined;
		return second;
	}

	private workerProcess(): Process {
		const chosen = this.procs[this.worker()];
		return chosen.down ? this.procs[chosen === this.procs[0] ? 1 : 0] : chosen;
	}

	private fields(k: number, i: number, spelling: Spelling): Record<string, string> {
		const record = this.snapshot(k, i);
		const message = JSON.stringify({
			uuid: spell(this.uuids[k], spelling),
			status: record.status,
			purchaseReference: (record.purchase as IDataObject).purchaseReference,
			...(record.creditContractUuid ? { creditContractUuid: record.creditContractUuid } : {}),
			totalAmount: record.totalAmount,
			currency: record.currency,
		});
		const timestamp = String(Math.floor(Date.now() / 1000));
		return { hmac: computeSignature(API_KEY, timestamp, message), timestamp, message };
	}

	private async send(k: number, i: number, copy: Copy, server: boolean, retry: number): Promise<void> {
		const status = this.plan.sessions[k].path[i];
		const fields = copy.plain ? { uuid: spell(this.uuids[k], copy.spelling), status } : this.fields(k, i, copy.spelling);
		const attempt: Attempt = { session: k, status, genuine: true, at: this.now(), observed: [], executed: false };
		this.attempts.push(attempt);
		await this.deliver(attempt, fields, copy.via);
		const ok = attempt.code !== undefined && attempt.code >= 200 && attempt.code < 300;
		if (!server) return;
		if (!ok && retry < copy.backoffs.length) this.later(this.now() + copy.backoffs[retry], () => this.send(k, i, copy, true, retry + 1));
		if (ok && copy.resend !== undefined) this.later(this.now() + copy.resend, () => this.send(k, i, { ...copy, resend: undefined }, true, 0));
	}

	private async forge(forgery: Forgery): Promise<void> {
		const uuid = forgery.session >= 0 ? this.uuids[forgery.session] : '0badf00d-0000-4000-8000-00000000dead';
		const payload = { uuid: spell(uuid, forgery.spelling), status: forgery.status, ...FORGED };
		const fields: Record<string, string> = forgery.signedShape
			? { hmac: 'ab'.repeat(64), timestamp: String(Math.floor(Date.now() / 1000)), message: JSON.stringify(payload) }
			: payload;
		const attempt: Attempt = { session: forgery.session, status: forgery.status, genuine: false, at: this.now(), observed: [], executed: false };
		this.attempts.push(attempt);
		await this.deliver(attempt, fields, 'POST');
	}

	/** One HTTP request to the trigger's production URL, answered by the node in the process it reaches. */
	private async deliver(attempt: Attempt, fields: Record<string, string>, via: 'POST' | 'GET'): Promise<void> {
		const proc = this.webhookProcess();
		if (!proc) {
			attempt.code = 502; // the load balancer has no process to send it to
			return;
		}
		const token: Record<string, string> = this.plan.verification === 'urlToken' ? { token: TOKEN } : {};
		const form = new URLSearchParams(fields).toString();
		const headers: Record<string, string> = via === 'GET' ? {} : { 'content-type': 'application/x-www-form-urlencoded' };
		const request =
			via === 'GET'
				? { method: 'GET', headers, body: {}, query: { ...fields, ...token }, rawBody: '' }
				: { method: 'POST', headers, body: { ...fields }, query: { ...token }, rawBody: form };
		const run = fakeWebhookContext({
			nodeType: proc.instance,
			parameters: this.parameters,
			credentials: credentials(INBANK),
			request,
			workflowId: this.workflowId,
		});
		(run.context.helpers as unknown as Record<string, unknown>).httpRequestWithAuthentication = async (_type: string, options: IHttpRequestOptions) =>
			await this.inbank(options, attempt);
		let result: IWebhookResponseData;
		try {
			result = await proc.instance.webhook!.call(run.context);
		} catch {
			attempt.code = 500; // n8n answers a webhook that throws with 500
			return;
		}
		attempt.code = result.noWebhookResponse ? (run.response.statusCode ?? 200) : 200;
		const items = result.workflowData?.[0];
		if (!items) return;
		attempt.executed = true;
		this.later(this.now() + this.queueDelay(), async () => await this.execute(items, attempt));
	}

	private async execute(items: INodeExecutionData[], attempt: Attempt): Promise<void> {
		const proc = this.workerProcess();
		const { context } = fakeTriggerExecuteContext({
			nodeType: proc.instance,
			parameters: this.parameters,
			items,
			processedData: this.store,
			workflowId: this.workflowId,
		});
		try {
			const outputs = (await proc.instance.execute!.call(context)) as INodeExecutionData[][];
			outputs.forEach((output, index) => output.forEach((item) => this.runs.push({ item: item.json, output: index, at: this.now(), ranIn: proc.instance })));
		} catch (error) {
			// Inbank was answered 2xx already: whatever this execution carried is lost.
			this.errors.push(`an execution failed (callback at ${attempt.at} ms): ${(error as Error).message}`);
		}
	}

	/** Inbank's GET of a session: the record as it was when the read started, after the read's latency. */
	private async inbank(options: IHttpRequestOptions, attempt: Attempt): Promise<{ statusCode: number; headers: IDataObject; body: string }> {
		const prefix = `${INBANK}/partner/v3/shops/${SHOP_UUID}/pos-sessions/`;
		if (options.method !== 'GET' || !options.url.startsWith(prefix)) throw new Error(`unexpected request ${options.method} ${options.url}`);
		const asked = decodeURIComponent(options.url.slice(prefix.length)).toLowerCase();
		const k = this.uuids.indexOf(asked);
		const seen = k >= 0 ? this.recordNow(k) : undefined;
		attempt.observed.push(seen?.status);
		await sleep(this.readLatency());
		return seen
			? { statusCode: 200, headers: {}, body: JSON.stringify(seen.record) }
			: { statusCode: 404, headers: {}, body: JSON.stringify({ message: 'not_found', errorCode: 'NOT_FOUND' }) };
	}

	/** Everything that broke the trigger's promises, in words (empty: none). */
	violations(): string[] {
		const found = [...this.errors];
		const selected = new Set(this.plan.statuses);
		const routed = STATUSES.filter((status) => selected.has(status));
		for (const run of this.runs) {
			const { item } = run;
			const text = JSON.stringify(item);
			const mark = FORGED_MARKS.find((m) => text.includes(m));
			if (mark) found.push(`a run carries ${mark} from a caller that is not Inbank: ${text}`);
			const k = this.uuids.indexOf(String(item.uuid).toLowerCase());
			if (k < 0) {
				found.push(`a run for uuid ${JSON.stringify(item.uuid)}, which is no session's`);
				continue;
			}
			if (item.uuid !== this.uuids[k]) found.push(`a run for uuid ${JSON.stringify(item.uuid)}, not the session's canonical ${this.uuids[k]}`);
			const i = this.plan.sessions[k].path.indexOf(item.status as Status);
			if (i < 0) {
				found.push(`session ${k} ran ${JSON.stringify(item.status)}, a status it never reached`);
				continue;
			}
			if (!selected.has(item.status as Status)) found.push(`session ${k} ran ${item.status}, which is not selected`);
			if (this.plan.routeByStatus && run.output !== routed.indexOf(item.status as Status)) found.push(`${item.status} came out of output ${run.output}`);
			const record = this.snapshot(k, i);
			const expected: IDataObject = {
				purchaseReference: (record.purchase as IDataObject).purchaseReference,
				contractUuid: record.creditContractUuid ?? undefined,
				totalAmount: record.totalAmount,
				currency: record.currency,
			};
			for (const [field, value] of Object.entries(expected)) {
				if (item[field] === undefined && field !== 'purchaseReference') continue;
				if (item[field] !== value) found.push(`session ${k} ran ${item.status} with ${field} ${JSON.stringify(item[field])}; Inbank's record says ${JSON.stringify(value)}`);
			}
		}
		this.plan.sessions.forEach((session, k) => {
			for (const status of session.path) {
				if (!selected.has(status)) continue;
				const ran = this.runs.filter((run) => String(run.item.uuid).toLowerCase() === this.uuids[k] && run.item.status === status);
				const runs = ran.length;
				const inOneProcess = new Set(ran.map((run) => run.ranIn)).size < runs;
				if (this.plan.spread ? runs > 2 || inOneProcess : runs > 1) found.push(`session ${k} ran ${status} ${runs} times${inOneProcess ? ', twice within one process' : ''}`);
				if (runs > 0) continue;
				const attempts = this.attempts.filter((a) => a.genuine && a.session === k && a.status === status);
				const acknowledged = attempts.filter((a) => a.code !== undefined && a.code >= 200 && a.code < 300);
				const lost = acknowledged.filter((a) => !a.observed.some((seen) => seen !== undefined && RANK[seen] > RANK[status]));
				if (lost.length > 0) {
					const how = lost.map((a) => `at ${a.at} ms answered ${a.code}, ${a.executed ? 'execution started' : 'no execution'}, record seen: ${a.observed.length ? a.observed.join('/') : 'not read'}`);
					found.push(`session ${k} reached ${status}, which never ran though Inbank's delivery was acknowledged: ${how.join('; ')}`);
				}
			}
		});
		return found;
	}
}
