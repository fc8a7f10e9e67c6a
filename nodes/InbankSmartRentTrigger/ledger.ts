import { createHash } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * Which deliveries (session uuid + effective status) a trigger node has handled.
 *
 * The final word is n8n's processed-data store (`helpers.checkProcessedAndRecord`, the table n8n's
 * Remove Duplicates node uses): it lives in n8n's database, so it survives restarts and is shared by
 * every process of one n8n. The claim is made in the trigger's execute() step, i.e. when the execution
 * really starts. n8n's store is read-modify-write, so claims for one node are serialised by an
 * in-process lock (and batched while they wait). Nothing in a process can serialise claims made by two
 * queue-mode workers at once.
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

const locks = new Map<string, Promise<void>>();

/** Runs `work` after every earlier call for the same scope has finished (a FIFO mutex per node). */
export async function withLock<T>(scope: string, work: () => Promise<T>): Promise<T> {
	const previous = locks.get(scope) ?? Promise.resolve();
	let release!: () => void;
	const mine = new Promise<void>((resolve) => (release = resolve));
	const tail = previous.then(() => mine);
	locks.set(scope, tail);
	await previous;
	try {
		return await work();
	} finally {
		release();
		if (locks.get(scope) === tail) locks.delete(scope);
	}
}

interface Waiting {
	keys: string[];
	resolve: (fresh: Set<string>) => void;
	reject: (error: unknown) => void;
}
const batches = new Map<string, Waiting[]>();

/**
 * Claims that arrive while an earlier claim for the same node holds the lock wait together and go to
 * n8n's store in one call when the lock frees: in a burst, one read and one write of the node's row
 * serve many executions instead of one each. A key asked for twice in one batch is fresh for the first
 * asker only (n8n's store would call both new).
 */
async function claimInBatch(scope: string, keys: string[], record: (keys: string[]) => Promise<string[]>): Promise<Set<string>> {
	return await new Promise<Set<string>>((resolve, reject) => {
		const waiting: Waiting = { keys, resolve, reject };
		const open = batches.get(scope);
		if (open) {
			open.push(waiting);
			return;
		}
		const batch = [waiting];
		batches.set(scope, batch);
		void withLock(scope, async () => {
			// From here on, new claims form the next batch.
			if (batches.get(scope) === batch) batches.delete(scope);
			try {
				const fresh = new Set(await record([...new Set(batch.flatMap((entry) => entry.keys))]));
				for (const entry of batch) {
					const mine = new Set<string>();
					for (const key of entry.keys) if (fresh.delete(key)) mine.add(key);
					entry.resolve(mine);
				}
			} catch (error) {
				for (const entry of batch) entry.reject(error);
			}
		});
	});
}

export interface Claim {
	/** The keys claimed now (the rest were handled before). */
	fresh: Set<string>;
	/** Where the claim was recorded. */
	store: 'processedData' | 'staticData';
	/** Undoes the claim of `keys` (when what follows the claim fails). */
	release(keys: string[]): Promise<void>;
}

/**
 * Records `keys` as handled for this node, in n8n's processed-data store (or, on an n8n without it,
 * in the workflow's static data), under this process's lock. Returns which keys were new.
 */
export async function claimDeliveries(
	context: IExecuteFunctions,
	scope: string,
	keys: string[],
	limit: number,
): Promise<Claim> {
	const helpers = context.helpers as Partial<IExecuteFunctions['helpers']>;
	const options = { mode: 'entries' as const, maxEntries: limit };
	if (typeof helpers.checkProcessedAndRecord === 'function') {
		const checkProcessedAndRecord = helpers.checkProcessedAndRecord;
		const fresh = await claimInBatch(scope, keys, async (all) => (await checkProcessedAndRecord(all, 'node', options)).new.map(String));
		return {
			fresh,
			store: 'processedData',
			release: async (released) => {
				if (released.length === 0 || typeof helpers.removeProcessed !== 'function') return;
				const removeProcessed = helpers.removeProcessed;
				await withLock(scope, async () => await removeProcessed(released, 'node', options));
			},
		};
	}
	// n8n without processed data: the execution's static data, which n8n saves after the run.
	const staticData = context.getWorkflowStaticData('node');
	const fresh = await withLock(scope, async () => {
		const record = storedRecord(staticData.deliveries);
		const added = new Set<string>();
		for (const key of keys) {
			if (record[key] !== undefined) continue;
			record[key] = Date.now();
			added.add(key);
		}
		if (added.size > 0) {
			// Object keys that are not array indices keep insertion order: the oldest come first.
			const excess = Object.keys(record).length - limit;
			if (excess > 0) for (const key of Object.keys(record).slice(0, excess)) delete record[key];
			staticData.deliveries = record;
		}
		return added;
	});
	return {
		fresh,
		store: 'staticData',
		release: async (released) => {
			const record = storedRecord(staticData.deliveries);
			for (const key of released) delete record[key];
			staticData.deliveries = record;
		},
	};
}

function storedRecord(value: unknown): IDataObject {
	const record: IDataObject = {};
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return record;
	for (const [key, at] of Object.entries(value)) {
		if (/^[0-9a-f]{32}$/.test(key) && typeof at === 'number' && Number.isFinite(at)) record[key] = at;
	}
	return record;
}
