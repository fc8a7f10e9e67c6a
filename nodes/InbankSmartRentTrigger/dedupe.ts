import { createHash } from 'crypto';

/**
 * Remembers which deliveries (session uuid + status) a trigger has already accepted, so that the same
 * callback arriving again (server and browser, or a retry) starts no second execution.
 *
 * Two layers, because n8n offers no shared lock to a webhook:
 * - a per-process memory, checked and written synchronously (no await between check and record), so
 *   concurrent deliveries to one n8n process can never both pass;
 * - the workflow's static data, which n8n saves to its database after each webhook call, so that the
 *   record survives a restart and is seen by other processes. n8n loads static data per request and
 *   writes it whole, so concurrent saves can drop each other's keys: every save therefore writes the
 *   union of what was loaded and what this process remembers, which heals such losses.
 * What is not guaranteed: two copies of one delivery reaching two different webhook processes (queue
 * mode) at the same moment may both start an execution. The README says so.
 */

export type DeliveryRecord = Record<string, number>;

export const DEFAULT_RETENTION_DAYS = 30;
export const MAX_REMEMBERED = 2000;

/** A short, PII-free key for a delivery. */
export function deliveryKey(uuid: string, status: string): string {
	return createHash('sha256').update(`${uuid}\n${status}`, 'utf8').digest('hex').slice(0, 32);
}

const memory = new Map<string, Map<string, number>>();

export interface ClaimResult {
	duplicate: boolean;
	/** When first accepted (ms), for a duplicate. */
	firstSeenAt?: number;
	/** What to store back into static data (only meaningful when persisting). */
	record: DeliveryRecord;
	/**
	 * Whether `record` differs from what was stored. A repeat that finds everything already stored needs
	 * no save: n8n writes the workflow's static data to its database whenever it is assigned.
	 */
	changed: boolean;
}

/**
 * Checks a delivery and records it in one synchronous step.
 * @param scope one ledger per workflow and trigger node (and per test / production mode)
 * @param persisted what static data held when this request started
 */
export function claimDelivery(
	scope: string,
	key: string,
	persisted: unknown,
	nowMs: number,
	opts: { retentionMs?: number; limit?: number } = {},
): ClaimResult {
	const retentionMs = opts.retentionMs ?? DEFAULT_RETENTION_DAYS * 86_400_000;
	const limit = opts.limit ?? MAX_REMEMBERED;
	let seen = memory.get(scope);
	if (!seen) {
		seen = new Map();
		memory.set(scope, seen);
	}
	const stored = sanitise(persisted);
	const oldest = nowMs - retentionMs;
	const previous = seen.get(key) ?? stored[key];
	const duplicate = previous !== undefined && previous >= oldest;
	if (!duplicate) seen.set(key, nowMs);

	// Union of stored and remembered deliveries within retention; sorted only when over the limit.
	const merged: DeliveryRecord = {};
	let size = 0;
	let changed = !duplicate;
	const keep = (k: string, at: number) => {
		if (at < oldest) return;
		const known = merged[k];
		if (known === undefined) size++;
		if (known === undefined || at < known) merged[k] = at;
	};
	for (const k in stored) {
		if (stored[k] < oldest) changed = true;
		keep(k, stored[k]);
	}
	for (const [k, at] of seen) {
		if (merged[k] === undefined && at >= oldest) changed = true;
		keep(k, at);
	}
	let record = merged;
	if (size > limit) {
		const newest = Object.entries(merged)
			.sort((a, b) => b[1] - a[1])
			.slice(0, limit);
		record = Object.fromEntries(newest);
		changed = true;
		// Memory follows the same bounds, so a long-running process does not grow without end.
		if (seen.size > limit) {
			seen.clear();
			for (const [k, at] of newest) seen.set(k, at);
		}
	}
	return { duplicate, firstSeenAt: duplicate ? previous : undefined, record, changed };
}

function sanitise(value: unknown): DeliveryRecord {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
	const out: DeliveryRecord = {};
	for (const [key, at] of Object.entries(value)) {
		if (/^[0-9a-f]{32}$/.test(key) && typeof at === 'number' && Number.isFinite(at)) out[key] = at;
	}
	return out;
}

/** For tests: forget what this process remembers (as a restart would). */
export function forgetProcessMemory(): void {
	memory.clear();
}
