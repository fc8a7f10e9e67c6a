import fc from 'fast-check';
import type { INodeType } from 'n8n-workflow';

import * as options from '../../support/model-options';
import type { Copy, Forgery, Plan, Restart, SessionPlan, Spelling, Status, Verification } from '../../support/trigger-world';
import { STATUSES, World } from '../../support/trigger-world';

/**
 * Model-based property test of the trigger (test/support/trigger-world.ts): random interleavings of
 * Inbank's status changes, its server copies and their retries and repeats, browser copies, a record whose
 * reads lag the changes (a read answers the state it saw when it started), uuid spellings, callers that are
 * not Inbank with made-up fields, restarts, and two n8n processes sharing n8n's processed-data store (its
 * read-modify-write and its INSERT conflict modelled). The real node class answers every callback and
 * runs every execution. Invariants: every selected status a session reached runs exactly once, unless
 * every 2xx answer to Inbank for it came from a read that saw the session further along (the status was
 * superseded before it could run) or Inbank's last delivery of it was refused (Inbank sends it again);
 * none runs twice; every business field of every run equals Inbank's record; nothing from a caller that is
 * not Inbank reaches an item.
 *
 * MODEL_FOCUS=join|lag|forged|spelling|erase|insert|spread narrows the world to what one way of breaking the
 * promise needs (MODEL_SEED, MODEL_RUNS replay). On the code of commit 0c52ed7 (before the fixes this test was written for), with
 * MODEL_SEED=1…8, each focus failed after this many runs:
 *   join     1, 2, 3, 4, 4, 6, 7, 23    a callback joined a read started before its status change: 200, lost
 *   lag      1, 1, 1, 1, 1, 2, 2, 5     signed, ahead of a lagging record: 200, lost (or the callback's
 *                                       contractUuid on the record's pending)
 *   forged   1, 1, 1, 2, 2, 3, 4, 4     a caller's purchaseReference (and more) on the item
 *   spelling 1, 1, 1, 1, 1, 1, 2, 2     an item uuid in the caller's spelling (a delivery per spelling)
 *   erase    26, 32, 98, 119, 154, 175, 364, 388   n8n's store: a claim erased by the other process's
 *                                       write, and a later copy ran again
 *   insert   3, 4, 5, 9, 9, 26, 48, 70  n8n's store: two first claims collide on the primary key, the
 *                                       execution fails after Inbank got 200
 * and the whole world after 1 run for every seed. With the webhook and claim fixes merged it held for 3 × 1,000
 * runs (seeds 11–13) and 500 runs of each focus (seed 21).
 *
 * MODEL_FOCUS=spread sends copies to both webhook processes in turn (no routing to one process): then a
 * delivery may run twice, once per process, but never twice within one. On the ledger without its memory
 * of its own claims (a copy claimed in the same worker after another worker's write erased the claim ran
 * again, as the queue-mode suite once saw), seeds 1–8 failed after 1, 1, 2, 8, 33, 22, 2, 2 runs; with it,
 * 3 × 1,000 runs held.
 */

const realWorkflow = jest.requireActual('n8n-workflow');
const realZod = jest.requireActual('zod');
// Each process loads the node's modules afresh; n8n-workflow and zod are the host's, shared.
jest.doMock('n8n-workflow', () => realWorkflow);
jest.doMock('zod', () => realZod);

type Focus = 'all' | 'join' | 'lag' | 'forged' | 'spelling' | 'erase' | 'insert' | 'spread';
const FOCUS = options.focus as Focus;
const NUM_RUNS = options.runs;
const SEED = options.seed;

const PATHS: Status[][] = [
	['pending'],
	['pending', 'granted'],
	['pending', 'granted', 'completed'],
	['pending', 'granted', 'cancelled'],
	['pending', 'declined'],
	['pending', 'cancelled'],
	['pending', 'expired'],
];

const small = (max: number) => fc.integer({ min: 0, max });
/** Mostly near-simultaneous, sometimes seconds apart. */
const gap = fc.oneof(small(30), fc.integer({ min: 30, max: 4_000 }));

function planOf(focus: Focus): fc.Arbitrary<Plan> {
	const one = <T>(value: T) => fc.constant(value);
	const verification: fc.Arbitrary<Verification> =
		focus === 'forged' ? fc.constantFrom('urlToken', 'none') : focus === 'all' ? fc.constantFrom('signature', 'urlToken', 'none') : one('signature');
	const spelling: fc.Arbitrary<Spelling> = focus === 'all' || focus === 'spelling' ? fc.constantFrom('lower', 'upper', 'mixed') : one('lower');
	const lag = focus === 'lag' ? fc.integer({ min: 500, max: 3_000 }) : focus === 'all' ? fc.oneof(one(0), fc.integer({ min: 1, max: 3_000 })) : one(0);
	// Reads that take no time never overlap: the join focus needs slow ones, the others must not have them.
	const readLatency = focus === 'all' || focus === 'join' ? fc.oneof(small(20), fc.integer({ min: 20, max: 400 })) : one(0);
	const manyCopies = focus === 'all' || focus === 'join' || focus === 'spelling' || focus === 'erase' || focus === 'insert' || focus === 'spread';
	const twoWorkers = focus === 'all' || focus === 'erase' || focus === 'insert' || focus === 'spread';
	const spaced = focus === 'lag' || focus === 'forged' || focus === 'spelling';
	// Copies to both processes meet in the store only when they and other sessions' claims come close together.
	const crowded = focus === 'spread';

	const copy = (server: boolean, unsigned: boolean): fc.Arbitrary<Copy> =>
		fc.record({
			delay: spaced ? fc.integer({ min: 5, max: 3_000 }) : crowded ? small(30) : fc.oneof(small(30), fc.integer({ min: 30, max: 4_000 })),
			via: server ? one('POST' as const) : fc.constantFrom('POST' as const, 'GET' as const),
			spelling: server && focus === 'spelling' ? one('lower' as Spelling) : spelling,
			plain: server || !unsigned ? one(false) : fc.boolean(),
			backoffs: server ? fc.array(fc.integer({ min: 2_000, max: 10_000 }), { minLength: 3, maxLength: 3 }) : one([]),
			resend: server && manyCopies ? fc.option(small(20_000), { nil: undefined }) : one(undefined),
		});
	const session = (unsigned: boolean): fc.Arbitrary<SessionPlan> =>
		fc.constantFrom(...PATHS).chain((path) =>
			fc.record({
				path: one(path),
				gaps: fc.tuple(crowded ? small(50) : small(2_000), ...path.slice(1).map(() => (spaced ? fc.integer({ min: 3_500, max: 6_000 }) : gap))),
				lags: fc.tuple(...path.map(() => lag)),
				sendsPending: fc.boolean(),
				copies: fc.tuple(
					...path.map(() => fc.tuple(copy(true, unsigned), ...(manyCopies ? [fc.array(copy(false, unsigned), { maxLength: 2 })] : [])).map(([server, others]) => [server, ...((others as Copy[] | undefined) ?? [])])),
				),
			}),
		);
	const forgery = (sessions: number): fc.Arbitrary<Forgery> =>
		fc.record({
			at: small(20_000),
			session: fc.integer({ min: focus === 'forged' ? 0 : -1, max: sessions - 1 }),
			spelling,
			status: fc.constantFrom(...STATUSES),
			signedShape: fc.boolean(),
		});
	const restarts: fc.Arbitrary<Restart[]> =
		twoWorkers
			? fc.array(
					fc.record({
						proc: fc.constantFrom(0 as const, 1 as const),
						at: small(25_000),
						downMs: fc.integer({ min: 4_000, max: 10_000 }),
						failoverMs: fc.integer({ min: 2_000, max: 3_500 }),
					}),
					{ maxLength: 2 },
				).map(apart)
			: one([]);

	return verification.chain((mode) => {
		const unsigned = mode !== 'signature';
		return fc
			.record({
				claimedBefore: focus === 'erase' || focus === 'spread' ? one(true) : focus === 'insert' ? one(false) : fc.boolean(),
				verification: one(mode),
				fetchSession: unsigned || focus === 'lag' || focus === 'join' || focus === 'forged' ? one(true) : twoWorkers && focus !== 'all' ? one(false) : fc.boolean(),
				statuses: focus === 'all' ? fc.subarray([...STATUSES], { minLength: 1 }) : one([...STATUSES]),
				routeByStatus: fc.boolean(),
				sessions: fc.array(session(unsigned), { minLength: 1, maxLength: crowded ? 6 : focus === 'erase' || focus === 'insert' ? 4 : 3 }),
				restarts,
				readLatencies: fc.array(readLatency, { minLength: 1, maxLength: 6 }),
				storeLatencies: fc.array(crowded ? fc.integer({ min: 5, max: 25 }) : small(twoWorkers ? 25 : 3), { minLength: 1, maxLength: 8 }),
				queueDelays: fc.array(small(300), { minLength: 1, maxLength: 6 }),
				workers: twoWorkers ? fc.array(fc.constantFrom(0 as const, 1 as const), { minLength: 1, maxLength: 6 }) : one([0 as const]),
				spread: focus === 'spread' ? one(true) : focus === 'all' ? fc.boolean() : one(false),
			})
			.chain((plan) =>
				(focus === 'all' || focus === 'forged' ? fc.array(forgery(plan.sessions.length), { minLength: focus === 'forged' ? 1 : 0, maxLength: 3 }) : one([])).map(
					(forgeries) => ({ ...plan, forgeries }) as Plan,
				),
			);
	});
}

/** Restarts one after the other (a process is back before the next one stops). */
function apart(restarts: Restart[]): Restart[] {
	const sorted = [...restarts].sort((a, b) => a.at - b.at);
	for (let i = 1; i < sorted.length; i++) {
		const previous = sorted[i - 1];
		sorted[i] = { ...sorted[i], at: Math.max(sorted[i].at, previous.at + previous.downMs + 500) };
	}
	return sorted;
}

const pool: INodeType[] = [];
beforeAll(async () => {
	for (let i = 0; i < 4; i++) {
		await jest.isolateModulesAsync(async () => {
			const module = await import('../../../nodes/InbankSmartRentTrigger/InbankSmartRentTrigger.node');
			pool.push(new module.InbankSmartRentTrigger());
		});
	}
});

let clock = Date.UTC(2026, 10, 1);

/** Worlds lived, and those in which something ran: a world where nothing can run proves nothing. */
const lived = { worlds: 0, withRuns: 0 };

async function live(plan: Plan): Promise<string[]> {
	jest.useFakeTimers({ now: clock, doNotFake: ['nextTick', 'queueMicrotask'] });
	try {
		const world = new World(plan, pool);
		world.begin();
		await world.settle();
		lived.worlds++;
		if (world.runs.length > 0) lived.withRuns++;
		return world.violations();
	} finally {
		// Every run starts an hour after the last ended, so that nothing a process remembers by time carries over.
		clock = Date.now() + 3_600_000;
		jest.useRealTimers();
	}
}

it(`keeps its promises in a world of races, lags, copies, forgeries, restarts and two processes (focus: ${FOCUS})`, async () => {
	await fc.assert(
		fc.asyncProperty(planOf(FOCUS), async (plan) => {
			const violations = await live(plan);
			if (violations.length > 0) throw new Error(violations.join('\n'));
		}),
		{ numRuns: NUM_RUNS, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true },
	);
	// Most worlds select a status their sessions reach and deliver it: if almost none runs anything, the
	// world is refusing everything (say, a base URL the transport will not use) and the invariants hold vacuously.
	expect(lived.withRuns).toBeGreaterThanOrEqual(Math.ceil(lived.worlds * 0.3));
}, 120_000);
