import { createHash } from 'crypto';
import type { IDataObject, IExecuteFunctions, Logger } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

/**
 * Which deliveries (session uuid + effective status) a trigger node has handled.
 *
 * The final word is n8n's processed-data store (`helpers.checkProcessedAndRecord`, the table n8n's
 * Remove Duplicates node uses): it lives in n8n's database, so it survives restarts and is shared by
 * every process of one n8n. The claim is made in the trigger's execute() step, i.e. when the execution
 * really starts. n8n's store reads the node's one row, changes it and writes it back, with no version
 * check and an INSERT for the first claim: within a process the node's calls are made one at a time; across
 * processes a claim is checked again after a while and recorded again if another process's write erased
 * it, and a first claim that collides with another process's is made again.
 *
 * This process also remembers, in memory, what it has handled or is handling, so that the webhook can
 * acknowledge an obvious repeat without starting an execution. Memory is bounded: at most `limit`
 * handled deliveries per node (oldest dropped first) and in-flight marks for PENDING_MS.
 */

export const DEFAULT_REMEMBERED = 10_000;
export const MIN_REMEMBERED = 100;
export const MAX_REMEMBERED = 50_000;
/**
 * How long a delivery handed to n8n counts as in flight. In queue mode its execution runs on a worker,
 * which never tells this process; after this, a repeat is left to the execute() step to judge.
 */
export const PENDING_MS = 60_000;

/** A short, PII-free key for a delivery. */
export function deliveryKey(uuid: string, status: string): string {
	return createHash('sha256').update(`${uuid}\n${status}`, 'utf8').digest('hex').slice(0, 32);
}

/** One node's memory. Map insertion order is age order, so pruning pops from the front: O(1) amortised. */
class NodeMemory {
	private readonly handled = new Map<string, number>();
	private readonly inFlight = new Map<string, number>();

	state(key: string, nowMs: number): 'handled' | 'inFlight' | undefined {
		this.pruneInFlight(nowMs);
		if (this.handled.has(key)) return 'handled';
		return this.inFlight.has(key) ? 'inFlight' : undefined;
	}

	markInFlight(key: string, nowMs: number): void {
		this.pruneInFlight(nowMs);
		this.inFlight.delete(key);
		this.inFlight.set(key, nowMs);
	}

	markHandled(key: string, nowMs: number, limit: number): void {
		this.inFlight.delete(key);
		this.handled.delete(key);
		this.handled.set(key, nowMs);
		for (const oldest of this.handled.keys()) {
			if (this.handled.size <= limit) break;
			this.handled.delete(oldest);
		}
	}

	forget(key: string): void {
		this.inFlight.delete(key);
		this.handled.delete(key);
	}

	private pruneInFlight(nowMs: number): void {
		for (const [key, since] of this.inFlight) {
			if (nowMs - since < PENDING_MS) break;
			this.inFlight.delete(key);
		}
	}
}

const memories = new Map<string, NodeMemory>();

/** This process's memory for one trigger node (`scope` = workflow id + node id, and test or live). */
export function nodeMemory(scope: string): NodeMemory {
	let memory = memories.get(scope);
	if (!memory) {
		memory = new NodeMemory();
		memories.set(scope, memory);
	}
	return memory;
}


/**
 * How long a claim may take, from asking to n8n's answer. n8n's store is its database: without a bound,
 * one call that never returns would hold every later claim of the node behind it, for ever.
 */
export const CLAIM_TIMEOUT_MS = 60_000;
/** The wait before a claim is checked again: several times what the store took to answer, within bounds. */
export const CONFIRM_MIN_MS = 250;
export const CONFIRM_MAX_MS = 5_000;
/** Checks after a claim, at most (each one finding something missing leads to the next). */
export const CONFIRM_ROUNDS = 3;

export function confirmDelay(storeMs: number): number {
	return Math.min(CONFIRM_MAX_MS, Math.max(CONFIRM_MIN_MS, 4 * storeMs));
}

/** A claim that was not answered within CLAIM_TIMEOUT_MS; `sent` says whether it had reached n8n's store. */
export class ClaimTimeoutError extends Error {
	constructor(readonly sent: boolean) {
		super(
			sent
				? `n8n's database did not answer within ${CLAIM_TIMEOUT_MS / 1000} s`
				: `an earlier claim of this trigger kept n8n's database busy for ${CLAIM_TIMEOUT_MS / 1000} s; this one was not sent`,
		);
		this.name = 'ClaimTimeoutError';
	}
}

/**
 * n8n creates the node's row on its first claim (an INSERT, without looking again): two processes making
 * their first claim at once collide on the table's primary key (workflowId, context), and one call fails
 * having written nothing. The row exists then, so the call is made once more. Codes and messages of
 * PostgreSQL, SQLite and MySQL/MariaDB, as TypeORM passes them on.
 */
export function isKeyConflict(error: unknown): boolean {
	const failure = error as { code?: unknown; message?: unknown; driverError?: { code?: unknown } } | undefined;
	const codes = new Set(['23505', 'ER_DUP_ENTRY', 'SQLITE_CONSTRAINT', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE']);
	if (codes.has(String(failure?.code)) || codes.has(String(failure?.driverError?.code))) return true;
	return typeof failure?.message === 'string' && /duplicate key|unique constraint|duplicate entry/i.test(failure.message);
}

type StoreCall = (keys: string[]) => Promise<string[]>;
interface StoreAnswer {
	/** The keys the store did not hold (and now does). */
	fresh: Set<string>;
	/** How long the store took to answer. */
	storeMs: number;
}
interface Request {
	/** A first claim, or a check of keys claimed earlier (whose "new" means: erased, recorded again). */
	kind: 'claim' | 'confirm';
	keys: string[];
	call: StoreCall;
	/** Whether the request has gone to the store. */
	sent: boolean;
	done: boolean;
	settle(result: StoreAnswer | Error): void;
}

/** `work`, or a rejection with `timeout()` after `ms`, whichever comes first. */
async function bounded<T>(work: Promise<T>, ms: number, timeout: () => Error): Promise<T> {
	const stop = new AbortController();
	// A call that outlives its bound must not end up as an unhandled rejection.
	work.catch(() => undefined);
	const expiry = sleep(ms, stop.signal).then(
		() => {
			throw timeout();
		},
		() => undefined as never,
	);
	try {
		return await Promise.race([work, expiry]);
	} finally {
		stop.abort();
	}
}

/**
 * One node's calls to n8n's store, made one at a time: the store reads the node's row, changes it and
 * writes it back, so two calls of one process at once would erase each other's keys. Requests that
 * arrive while a call is under way wait together and go to the store in one call when it returns: in a
 * burst, one read and one write of the row serve many executions instead of one each. Every request is
 * answered within CLAIM_TIMEOUT_MS; a call the store does not answer in that time is abandoned, so the
 * next ones are not held behind it.
 */
class StoreQueue {
	private waiting: Request[] = [];
	private busy = false;

	async submit(kind: Request['kind'], keys: string[], call: StoreCall): Promise<StoreAnswer> {
		return await new Promise<StoreAnswer>((resolve, reject) => {
			const stop = new AbortController();
			const request: Request = {
				kind,
				keys,
				call,
				sent: false,
				done: false,
				settle: (result) => {
					if (request.done) return;
					request.done = true;
					stop.abort();
					if (result instanceof Error) reject(result);
					else resolve(result);
				},
			};
			void sleep(CLAIM_TIMEOUT_MS, stop.signal).then(
				() => request.settle(new ClaimTimeoutError(request.sent)),
				() => undefined,
			);
			this.waiting.push(request);
			if (!this.busy) void this.drain();
		});
	}

	private async drain(): Promise<void> {
		this.busy = true;
		try {
			for (;;) {
				// Checks first: a key that is both checked and claimed in one call belongs to the execution that
				// claimed it earlier, and a key asked for twice is new for its first asker only.
				const batch = this.waiting.filter((request) => !request.done);
				batch.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'confirm' ? -1 : 1));
				this.waiting = [];
				if (batch.length === 0) return;
				for (const request of batch) request.sent = true;
				const started = Date.now();
				try {
					const keys = [...new Set(batch.flatMap((request) => request.keys))];
					const fresh = new Set(await bounded(batch[0].call(keys), CLAIM_TIMEOUT_MS, () => new ClaimTimeoutError(true)));
					const storeMs = Date.now() - started;
					for (const request of batch) {
						const mine = new Set<string>();
						for (const key of request.keys) if (fresh.delete(key)) mine.add(key);
						request.settle({ fresh: mine, storeMs });
					}
				} catch (error) {
					for (const request of batch) request.settle(error instanceof Error ? error : new Error(String(error)));
				}
			}
		} finally {
			this.busy = false;
		}
	}
}

const queues = new Map<string, StoreQueue>();

function queueOf(scope: string): StoreQueue {
	let queue = queues.get(scope);
	if (!queue) {
		queue = new StoreQueue();
		queues.set(scope, queue);
	}
	return queue;
}

/**
 * n8n's store writes the node's whole row back with no version check: a write by another process that
 * read the row before this claim was written erases the claim, and a later copy of the delivery would run
 * again. So the claim is checked again after a wait longer than such a write takes, and what is missing
 * is recorded again, until a check finds all of it. The execution does not wait for this: the delivery
 * is its own either way; what is at stake is that later copies find it. A check that runs while another
 * process rewrites the row can itself be erased, hence up to CONFIRM_ROUNDS checks.
 */
async function confirmClaims(queue: StoreQueue, call: StoreCall, keys: string[], storeMs: number, logger: Logger): Promise<void> {
	try {
		let wait = confirmDelay(storeMs);
		for (let round = 1; round <= CONFIRM_ROUNDS; round++) {
			await sleep(wait);
			const answer = await queue.submit('confirm', keys, call);
			if (answer.fresh.size === 0) return;
			logger.warn(
				`Inbank Smart Rent Trigger: ${answer.fresh.size} of ${keys.length} deliveries claimed ${wait} ms earlier had been erased from n8n's processed-data store by another process writing the same row at the same moment; recorded again`,
			);
			wait = confirmDelay(answer.storeMs);
		}
		logger.warn(
			`Inbank Smart Rent Trigger: after ${CONFIRM_ROUNDS} checks, n8n's processed-data store still lost deliveries claimed here to other processes' writes; a later copy of them may run again`,
		);
	} catch (error) {
		logger.warn(
			`Inbank Smart Rent Trigger: could not check a claim in n8n's processed-data store again (${(error as Error).message}); a later copy of it may run again`,
		);
	}
}

export interface Claim {
	/** The keys claimed now (the rest were handled before). */
	fresh: Set<string>;
	/** Where the claim was recorded. */
	store: 'processedData' | 'staticData';
}

/**
 * Records `keys` as handled for this node in n8n's processed-data store (or, on an n8n without it, in the
 * workflow's static data). Returns which keys were new.
 */
export async function claimDeliveries(context: IExecuteFunctions, scope: string, keys: string[], limit: number): Promise<Claim> {
	const helpers = context.helpers as Partial<IExecuteFunctions['helpers']>;
	if (typeof helpers.checkProcessedAndRecord === 'function') {
		const checkProcessedAndRecord = helpers.checkProcessedAndRecord;
		const options = { mode: 'entries' as const, maxEntries: limit };
		const once = async (all: string[]) => (await checkProcessedAndRecord(all, 'node', options)).new.map(String);
		const call: StoreCall = async (all) => {
			try {
				return await once(all);
			} catch (error) {
				if (!isKeyConflict(error)) throw error;
				context.logger.info("Inbank Smart Rent Trigger: another process created this trigger's row in n8n's processed-data store at the same moment; claiming again");
				return await once(all);
			}
		};
		const queue = queueOf(scope);
		const { fresh, storeMs } = await queue.submit('claim', keys, call);
		if (fresh.size > 0) void confirmClaims(queue, call, [...fresh], storeMs, context.logger);
		return { fresh, store: 'processedData' };
	}
	// n8n without processed data: the execution's static data, which n8n saves after the run. One process
	// only, and no await between reading and writing it: nothing to serialise.
	const staticData = context.getWorkflowStaticData('node');
	const record = storedRecord(staticData.deliveries);
	const fresh = new Set<string>();
	for (const key of keys) {
		if (record[key] !== undefined) continue;
		record[key] = Date.now();
		fresh.add(key);
	}
	if (fresh.size > 0) {
		// Object keys that are not array indices keep insertion order: the oldest come first.
		const excess = Object.keys(record).length - limit;
		if (excess > 0) for (const key of Object.keys(record).slice(0, excess)) delete record[key];
		staticData.deliveries = record;
	}
	return { fresh, store: 'staticData' };
}

function storedRecord(value: unknown): IDataObject {
	const record: IDataObject = {};
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return record;
	for (const [key, at] of Object.entries(value)) {
		if (/^[0-9a-f]{32}$/.test(key) && typeof at === 'number' && Number.isFinite(at)) record[key] = at;
	}
	return record;
}
