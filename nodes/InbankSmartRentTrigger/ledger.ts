import { createHash } from 'crypto';
import type { IDataObject, IExecuteFunctions, Logger } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

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
 * How long one call to n8n's store may take. n8n's store is its database: without a bound, one call that
 * never returns would hold every later claim of the node behind it, for ever. A claim waits for at most
 * the call before it and its own: twice this.
 */
export const CLAIM_TIMEOUT_MS = 30_000;
/**
 * The waits before a claim is looked up again: soon (so that an erased claim is restored before a copy
 * arrives) and once more later (for another process's write that took longer), each several times what
 * the store took to answer, within bounds.
 */
export const LOOKUPS = [
	{ min: 250, factor: 4, max: 5_000 },
	{ min: 2_000, factor: 16, max: 20_000 },
] as const;
/** How often a claim found erased is recorded again, at most. */
export const CONFIRM_ROUNDS = 5;

export function lookupDelay(lookup: number, storeMs: number): number {
	const { min, factor, max } = LOOKUPS[lookup];
	return Math.min(max, Math.max(min, factor * storeMs));
}

/** A call to n8n's store that was not answered within CLAIM_TIMEOUT_MS (it may still be carried out). */
export class ClaimTimeoutError extends Error {
	constructor() {
		super(`n8n's database did not answer within ${CLAIM_TIMEOUT_MS / 1000} s`);
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
	keys: string[];
	call: StoreCall;
	logger: Logger;
	resolve(answer: StoreAnswer): void;
	reject(error: Error): void;
}
/** A key claimed here, to be looked up again once `due`. */
interface Check {
	key: string;
	/** From then on, any call of the node takes the look-up along. */
	due: number;
	/** When the look-up makes a call of its own if none has taken it along. */
	latest: number;
	/** How often the key was recorded (1: the claim; more: recorded again after an erasure). */
	round: number;
	call: StoreCall;
	logger: Logger;
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
 * One node's calls to n8n's store. The store reads the node's row, changes it and writes it back, so two
 * calls of one process at once would erase each other's keys: calls are made one at a time, and claims
 * that arrive while one is under way go to the store together in the next (in a burst, one read and
 * one write of the row serve many executions instead of one each).
 *
 * Across processes nothing serialises the calls: a write by another process that read the row before
 * this process's claim was written erases the claim, and a later copy of the delivery would run again.
 * So each key claimed here is looked up again twice (LOOKUPS: soon, and once a wait longer than such a
 * write takes has passed), and recorded again when it is missing, after which both look-ups follow again
 * (at most CONFIRM_ROUNDS times). The look-ups ride along with the next call of the node, or, when none
 * comes, make one of their own. The execution does not wait for them: the delivery is its own either
 * way; what is at stake is that later copies find it.
 *
 * A call the store does not answer within CLAIM_TIMEOUT_MS fails the claims it carried and is abandoned,
 * so that later claims are not held behind it.
 */
class NodeClaims {
	private waiting: Request[] = [];
	private checks: Check[] = [];
	private busy = false;
	/**
	 * The keys this process has claimed, oldest first, at most `limit`. Another process's write can erase
	 * a claim before its look-up is due; a copy claimed here in the meantime would find the store without
	 * it. Remembering our own claims keeps that copy from running a second time in this process.
	 */
	private readonly claimedHere = new Map<string, true>();
	private limit = DEFAULT_REMEMBERED;

	async claim(keys: string[], call: StoreCall, logger: Logger, limit: number): Promise<StoreAnswer> {
		this.limit = limit;
		return await new Promise<StoreAnswer>((resolve, reject) => {
			this.waiting.push({ keys, call, logger, resolve, reject });
			this.kick();
		});
	}

	private rememberClaimed(keys: Iterable<string>): void {
		for (const key of keys) {
			this.claimedHere.delete(key);
			this.claimedHere.set(key, true);
		}
		for (const oldest of this.claimedHere.keys()) {
			if (this.claimedHere.size <= this.limit) break;
			this.claimedHere.delete(oldest);
		}
	}

	private kick(): void {
		if (!this.busy) void this.drain();
	}

	/**
	 * Each look-up is due after its wait; any call of the node from then on takes it along, and if none comes
	 * within another such wait, a call of its own is made.
	 */
	private checkLater(keys: string[], storeMs: number, round: number, call: StoreCall, logger: Logger): void {
		for (let lookup = 0; lookup < LOOKUPS.length; lookup++) {
			const wait = lookupDelay(lookup, storeMs);
			const due = Date.now() + wait;
			for (const key of keys) this.checks.push({ key, due, latest: due + wait, round, call, logger });
			void sleep(2 * wait).then(() => this.kick());
		}
	}

	private async drain(): Promise<void> {
		this.busy = true;
		try {
			for (;;) {
				const now = Date.now();
				const claims = this.waiting;
				this.waiting = [];
				// Without a claim to ride along with, a call is made only for a look-up that has waited long enough.
				if (claims.length === 0 && !this.checks.some((check) => check.latest <= now)) return;
				const due = this.checks.filter((check) => check.due <= now);
				this.checks = this.checks.filter((check) => check.due > now);
				const call = claims[0]?.call ?? due[0].call;
				// Look-ups first: a key both looked up and claimed in one call is the earlier claim's, and a
				// key asked for twice is new for its first asker only.
				const keys = [...new Set([...due.map((check) => check.key), ...claims.flatMap((request) => request.keys)])];
				const started = Date.now();
				let fresh: Set<string>;
				try {
					fresh = new Set(await bounded(call(keys), CLAIM_TIMEOUT_MS, () => new ClaimTimeoutError()));
				} catch (error) {
					for (const request of claims) request.reject(error instanceof Error ? error : new Error(String(error)));
					this.settleChecks(due, new Set(), 0, error as Error);
					continue;
				}
				const storeMs = Date.now() - started;
				this.settleChecks(due, fresh, storeMs);
				for (const request of claims) {
					const mine = new Set<string>();
					const erased: string[] = [];
					for (const key of request.keys) {
						if (!fresh.delete(key)) continue;
						if (this.claimedHere.has(key)) erased.push(key);
						else mine.add(key);
					}
					this.rememberClaimed(mine);
					request.resolve({ fresh: mine, storeMs });
					if (mine.size > 0) this.checkLater([...mine], storeMs, 1, request.call, request.logger);
					if (erased.length > 0) {
						// Claimed here before, missing from the store: erased by another process, recorded again now.
						request.logger.warn(
							`Inbank Smart Rent Trigger: ${erased.length} deliveries claimed by this process had been erased from n8n's processed-data store by another process writing the same row at the same moment; recorded again, and this copy starts nothing`,
						);
						this.checkLater(erased, storeMs, 1, request.call, request.logger);
					}
				}
			}
		} finally {
			this.busy = false;
		}
	}

	/** Looked-up keys the store did not hold were erased by another process (and are now recorded again). */
	private settleChecks(due: Check[], fresh: Set<string>, storeMs: number, failure?: Error): void {
		if (due.length === 0) return;
		// Each key once (a key with both look-ups due comes twice).
		const missing = failure ? [...new Map(due.map((check) => [check.key, check])).values()] : due.filter((check) => fresh.delete(check.key));
		if (missing.length === 0) return;
		const again = missing.filter((check) => check.round < CONFIRM_ROUNDS);
		// Recorded again: the key's look-ups start over, and those left from the earlier round are dropped.
		const restarted = new Map(again.map((check) => [check.key, check.round]));
		this.checks = this.checks.filter((check) => (restarted.get(check.key) ?? 0) < check.round);
		for (const check of again) this.checkLater([check.key], storeMs, check.round + 1, check.call, check.logger);
		const { logger } = missing[0];
		if (failure) {
			logger.warn(
				`Inbank Smart Rent Trigger: could not look up ${missing.length} claimed deliveries in n8n's processed-data store again (${failure.message}); ${again.length > 0 ? 'trying again later' : 'a later copy of them may run again'}`,
			);
		} else {
			logger.warn(
				`Inbank Smart Rent Trigger: ${missing.length} claimed deliveries had been erased from n8n's processed-data store by another process writing the same row at the same moment; recorded again${again.length < missing.length ? `, ${missing.length - again.length} of them for the last time (a later copy of those may run again)` : ''}`,
			);
		}
	}
}

const nodeClaims = new Map<string, NodeClaims>();

function claimsOf(scope: string): NodeClaims {
	let claims = nodeClaims.get(scope);
	if (!claims) {
		claims = new NodeClaims();
		nodeClaims.set(scope, claims);
	}
	return claims;
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
				if (!isKeyConflict(error)) throw new NodeOperationError(context.getNode(), error as Error);
				context.logger.info("Inbank Smart Rent Trigger: another process created this trigger's row in n8n's processed-data store at the same moment; claiming again");
				return await once(all);
			}
		};
		const { fresh } = await claimsOf(scope).claim(keys, call, context.logger, limit);
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
