import { createHash } from 'node:crypto';
import { sleep } from 'n8n-workflow';

/** The error PostgreSQL gives (through TypeORM's QueryFailedError) when an INSERT meets an existing primary key. */
export class FakeKeyConflict extends Error {
	readonly code = '23505';
	constructor() {
		super('duplicate key value violates unique constraint "PK_processed_data_workflowId_context"');
		this.name = 'QueryFailedError';
	}
}

/**
 * n8n's processed-data store as its DeduplicationHelper keeps it in `entries` mode (n8n 2.41.1,
 * dist/deduplication/deduplication-helper.js, handleHashedItems): one row per workflow + node (the table's
 * primary key is workflowId + context), holding the md5 (base64) of each key, the oldest dropped beyond
 * maxEntries. Every call reads the row (findOne) and then, without a lock or a version check:
 * - when there was no row, INSERTs one with this call's keys, which fails on the primary key if another
 *   call created the row in the meantime;
 * - otherwise UPDATEs the row with what it read plus this call's new keys (always, even with none new),
 *   erasing whatever another call wrote in between.
 * Each of the two queries takes `latency()` ms to reach the database and as long to come back. Share one
 * instance between contexts to stand in for n8n's database across calls, restarts and processes.
 */
export class FakeProcessedData {
	readonly rows = new Map<string, { mode: string; data: string[] }>();
	/** Serialised row sizes of every write, as n8n would send them to its database. */
	readonly writes: number[] = [];
	/** Calls that failed on the primary key (the INSERT of a row another call had created). */
	keyConflicts = 0;
	/** Makes the next calls throw, as a database that cannot be reached. */
	failNext = 0;
	/** While true, calls never return (a database that hangs); they do nothing. */
	hang = false;
	private readonly latency: () => number;

	constructor(latency: number | (() => number) = 1) {
		this.latency = typeof latency === 'number' ? () => latency : latency;
	}

	helpers(workflowId: string, nodeId: string) {
		const rowKey = `${workflowId}:n:${nodeId}`;
		const hash = (value: string | number) => createHash('md5').update(String(value)).digest('base64');
		const travel = async () => {
			const ms = this.latency();
			if (ms > 0) await sleep(ms);
		};
		return {
			checkProcessedAndRecord: async (items: Array<string | number>, scope: string, options: { mode: string; maxEntries?: number }) => {
				if (scope !== 'node' || options.mode !== 'entries') throw new Error(`unexpected scope ${scope} / mode ${options.mode}`);
				if (this.hang) return await new Promise<never>(() => undefined);
				if (this.failNext > 0) {
					this.failNext--;
					throw new Error('SQLITE_BUSY: database is locked');
				}
				// findOne
				await travel();
				const stored = this.rows.get(rowKey);
				const read = stored ? { mode: stored.mode, data: [...stored.data] } : undefined;
				await travel();
				if (read && read.mode !== options.mode) throw new Error('incompatible mode');
				const result = { new: [] as Array<string | number>, processed: [] as Array<string | number> };
				const row = read ?? { mode: options.mode, data: [] as string[] };
				const seen = new Set(row.data);
				for (const item of items) {
					if (seen.has(hash(item))) result.processed.push(item);
					else {
						result.new.push(item);
						row.data.push(hash(item));
						seen.add(hash(item));
					}
				}
				if (options.maxEntries) row.data.splice(0, row.data.length - options.maxEntries);
				// insert or update
				await travel();
				if (!read && this.rows.has(rowKey)) {
					this.keyConflicts++;
					await travel();
					throw new FakeKeyConflict();
				}
				this.rows.set(rowKey, row);
				this.writes.push(JSON.stringify(row).length);
				await travel();
				return result;
			},
		};
	}

	/** Gives the node a row already holding `keys` (a trigger that has claimed before). */
	seed(keys: string[], workflowId = 'wf-1', nodeId = 'trigger-under-test'): void {
		this.rows.set(`${workflowId}:n:${nodeId}`, { mode: 'entries', data: keys.map((key) => createHash('md5').update(key).digest('base64')) });
	}

	entries(workflowId = 'wf-1', nodeId = 'trigger-under-test'): number {
		return this.rows.get(`${workflowId}:n:${nodeId}`)?.data.length ?? 0;
	}

	/** Whether the node's row holds `key` (as n8n hashes it). */
	holds(key: string, workflowId = 'wf-1', nodeId = 'trigger-under-test'): boolean {
		const hashed = createHash('md5').update(key).digest('base64');
		return this.rows.get(`${workflowId}:n:${nodeId}`)?.data.includes(hashed) ?? false;
	}
}
