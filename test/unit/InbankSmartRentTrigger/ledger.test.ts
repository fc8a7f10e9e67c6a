import type { INodeExecutionData, INodeType } from 'n8n-workflow';

import { CLAIM_TIMEOUT_MS, deliveryKey } from '../../../nodes/InbankSmartRentTrigger/ledger';
import { fakeTriggerExecuteContext } from '../../support/fake-context';
import { sessionUuid as uuidOf } from '../../support/fixtures';
import { FakeProcessedData } from '../../support/processed-data';

/**
 * The claim in n8n's processed-data store, as two n8n processes (queue-mode workers) make it at once: the
 * store (test/support/processed-data.ts) reads the node's row, then INSERTs it (first claim) or UPDATEs it
 * with what it read, as n8n 2.41.1's DeduplicationHelper does. Each process is the node's module loaded
 * afresh (its own memory and claim queue); time is jest's fake clock, so the interleavings are exact.
 */

const realWorkflow = jest.requireActual('n8n-workflow');
const realZod = jest.requireActual('zod/v3');
// The node's own modules load afresh per process; n8n-workflow and zod are the host's, shared (and fast).
jest.doMock('n8n-workflow', () => realWorkflow);
jest.doMock('zod/v3', () => realZod);

async function startProcess(): Promise<INodeType> {
	let trigger: INodeType | undefined;
	await jest.isolateModulesAsync(async () => {
		const module = await import('../../../nodes/InbankSmartRentTrigger/InbankSmartRentTrigger.node');
		trigger = new module.InbankSmartRentTrigger();
	});
	return trigger as INodeType;
}

interface Run {
	outputs?: INodeExecutionData[][];
	error?: Error & { description?: string };
	settled: boolean;
	logs: string[];
}

/** Starts the trigger's execute() step for one delivery; the result lands in the returned object. */
function execute(trigger: INodeType, store: FakeProcessedData, name: string, mode: 'webhook' | 'retry' = 'webhook'): Run {
	const { context, logs } = fakeTriggerExecuteContext({
		nodeType: trigger,
		parameters: { fetchSession: false },
		items: [{ json: { uuid: uuidOf(name), status: 'completed' } }],
		processedData: store,
		mode,
	});
	const run: Run = { settled: false, logs };
	trigger.execute!.call(context).then(
		(outputs) => Object.assign(run, { outputs, settled: true }),
		(error: Error) => Object.assign(run, { error, settled: true }),
	);
	return run;
}

const emitted = (run: Run) => (run.outputs ?? []).flat().length;
const held = (store: FakeProcessedData, name: string) => store.holds(deliveryKey(uuidOf(name), 'completed'));

beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] }));
afterEach(() => jest.useRealTimers());

describe('two processes claiming at the same moment', () => {
	it('a claim erased by the other process’s write is found missing and recorded again; later copies start nothing', async () => {
		const store = new FakeProcessedData(5);
		const [a, b] = [await startProcess(), await startProcess()];
		execute(a, store, 'seed-1');
		await jest.advanceTimersByTimeAsync(1_000);

		const first = [execute(a, store, 'lost-1'), execute(b, store, 'lost-2')];
		await jest.advanceTimersByTimeAsync(60);
		expect(first.map(emitted)).toEqual([1, 1]);
		// Both read the row before either wrote it: the second write erased the first claim.
		expect([held(store, 'lost-1'), held(store, 'lost-2')].filter(Boolean)).toHaveLength(1);

		await jest.advanceTimersByTimeAsync(2_000);
		expect([held(store, 'lost-1'), held(store, 'lost-2')]).toEqual([true, true]);
		expect([...first[0].logs, ...first[1].logs].join('\n')).toMatch(/1 claimed deliveries had been erased from n8n's processed-data store by another process .*; recorded again/);

		// A copy of each, later, in the process that did not run it.
		const copies = [execute(b, store, 'lost-1'), execute(a, store, 'lost-2')];
		await jest.advanceTimersByTimeAsync(60);
		expect(copies.map(emitted)).toEqual([0, 0]);
	});

	it('a copy claimed in the same process before the erased claim is looked up again starts nothing (never twice within one process)', async () => {
		const store = new FakeProcessedData(5);
		const [a, b] = [await startProcess(), await startProcess()];
		execute(a, store, 'seed-2');
		await jest.advanceTimersByTimeAsync(1_000);

		const first = [execute(a, store, 'same-1'), execute(b, store, 'same-2')];
		await jest.advanceTimersByTimeAsync(60);
		expect(first.map(emitted)).toEqual([1, 1]);
		expect([held(store, 'same-1'), held(store, 'same-2')].filter(Boolean)).toHaveLength(1);

		// Copies reach the process that ran each, before any look-up is due (250 ms at the soonest).
		const copies = [execute(a, store, 'same-1')];
		await jest.advanceTimersByTimeAsync(40);
		copies.push(execute(b, store, 'same-2'));
		await jest.advanceTimersByTimeAsync(40);
		expect(copies.map(emitted)).toEqual([0, 0]);
		expect([held(store, 'same-1'), held(store, 'same-2')]).toEqual([true, true]);
		expect([...copies[0].logs, ...copies[1].logs].join('\n')).toMatch(/1 deliveries claimed by this process had been erased .*; recorded again, and this copy starts nothing/);
	});

	it('the very first claims of a trigger collide on the table’s primary key: the loser claims again and both run', async () => {
		const store = new FakeProcessedData(5);
		const [a, b] = [await startProcess(), await startProcess()];
		const first = [execute(a, store, 'first-1'), execute(b, store, 'first-2')];
		await jest.advanceTimersByTimeAsync(100);
		expect(store.keyConflicts).toBe(1);
		expect(first.map((run) => run.error?.message)).toEqual([undefined, undefined]);
		expect(first.map(emitted)).toEqual([1, 1]);
		expect([...first[0].logs, ...first[1].logs].join('\n')).toMatch(/another process created this trigger's row .* at the same moment; claiming again/);
		await jest.advanceTimersByTimeAsync(2_000);
		expect([held(store, 'first-1'), held(store, 'first-2')]).toEqual([true, true]);
	});

	it('look-ups ride along with the next claim: twenty claims 300 ms apart cost twenty calls while they keep coming', async () => {
		const store = new FakeProcessedData(1);
		const a = await startProcess();
		const runs: Run[] = [];
		for (let i = 0; i < 20; i++) {
			runs.push(execute(a, store, `ride-${i}`));
			await jest.advanceTimersByTimeAsync(i < 19 ? 300 : 10);
		}
		expect(runs.map(emitted)).toEqual(Array(20).fill(1));
		// Each claim looked up twice (after 250 ms and 2 s), all but the last ones on a later claim's call.
		expect(store.writes).toHaveLength(20);
		await jest.advanceTimersByTimeAsync(10_000);
		expect(store.entries()).toBe(20);
		// Once the claims stop, the look-ups left make calls of their own: a few, not one per claim.
		expect(store.writes.length).toBeGreaterThan(20);
		expect(store.writes.length).toBeLessThanOrEqual(20 + 8);
	});
});

describe('a store call that never returns', () => {
	it('fails the execution that made it within the bound, says what to do, and does not hold later claims', async () => {
		const store = new FakeProcessedData(1);
		const a = await startProcess();
		store.hang = true;
		const hung = execute(a, store, 'hung-1');
		await jest.advanceTimersByTimeAsync(10_000);
		const behind = execute(a, store, 'hung-2');
		await jest.advanceTimersByTimeAsync(CLAIM_TIMEOUT_MS - 10_000 - 1_000);
		expect([hung.settled, behind.settled]).toEqual([false, false]);
		store.hang = false;
		await jest.advanceTimersByTimeAsync(1_010);
		expect(hung.error?.message).toBe("Could not record the delivery in n8n's database: n8n's database did not answer within 30 s");
		expect(hung.error?.description).toBe(
			'Nothing downstream ran. n8n may still record the delivery, and later copies from Inbank would then start nothing. Inbank was already answered, so it will not send this callback again: retry this execution (Executions → Retry) once n8n’s database answers; a retry runs the delivery.',
		);
		// The hung call was abandoned at 30 s, and the claim behind it went next.
		expect(behind.error).toBeUndefined();
		expect(emitted(behind)).toBe(1);

		// A claim whose own call hangs fails as well, within the call before it and its own.
		store.hang = true;
		const third = execute(a, store, 'hung-3');
		await jest.advanceTimersByTimeAsync(5_000);
		const fourth = execute(a, store, 'hung-4');
		await jest.advanceTimersByTimeAsync(2 * CLAIM_TIMEOUT_MS);
		expect([third, fourth].map((run) => run.error?.message)).toEqual(Array(2).fill("Could not record the delivery in n8n's database: n8n's database did not answer within 30 s"));
	});
});

describe('a retried execution', () => {
	it('emits its delivery even when the delivery was claimed before (Executions → Retry after a failure or a crash)', async () => {
		const store = new FakeProcessedData(1);
		const a = await startProcess();
		const original = execute(a, store, 'retry-1');
		await jest.advanceTimersByTimeAsync(50);
		const copy = execute(a, store, 'retry-1');
		await jest.advanceTimersByTimeAsync(50);
		const retried = execute(a, store, 'retry-1', 'retry');
		await jest.advanceTimersByTimeAsync(50);
		expect([original, copy, retried].map(emitted)).toEqual([1, 0, 1]);
		expect(retried.logs.join('\n')).toContain(`completed for session "${uuidOf('retry-1')}" was claimed before; emitted again because this execution is a retry`);
	});
});

describe('the claim as n8n-core hands it to its processed-data store', () => {
	it('scope "node" with the node itself (its id) and the workflow: the store keys the row by them, not by the node’s name', async () => {
		jest.useRealTimers();
		const { DataDeduplicationService } = jest.requireActual('n8n-core');
		const { runWorkflow } = jest.requireActual('../../support/engine');
		const { InbankSmartRentTrigger } = jest.requireActual('../../../nodes/InbankSmartRentTrigger/InbankSmartRentTrigger.node');
		const calls: Array<{ scope: string; nodeId: string; nodeName: string; workflowId: string }> = [];
		const held = new Set<string>();
		await DataDeduplicationService.init({
			async checkProcessedAndRecord(items: string[], scope: string, context: { node: { id: string; name: string }; workflow: { id: string } }) {
				calls.push({ scope, nodeId: context.node.id, nodeName: context.node.name, workflowId: context.workflow.id });
				const fresh = items.filter((item) => !held.has(item));
				for (const item of fresh) held.add(item);
				return { new: fresh, processed: items.filter((item) => !fresh.includes(item)) };
			},
		});
		const TYPE = 'n8n-nodes-inbank.inbankSmartRentTrigger';
		const run = await runWorkflow({
			nodes: [{ id: 'trigger-node-id', name: 'Renamed trigger', type: TYPE, typeVersion: 1.2, position: [0, 0], parameters: { fetchSession: false } }],
			nodeTypes: { [TYPE]: new InbankSmartRentTrigger() },
			items: [{ json: { uuid: uuidOf('engine'), status: 'completed' } }],
			mode: 'webhook',
		});
		expect(run.data.resultData.runData['Renamed trigger'][0].data.main[0]).toHaveLength(1);
		expect(calls[0]).toEqual({ scope: 'node', nodeId: 'trigger-node-id', nodeName: 'Renamed trigger', workflowId: 'engine-test' });
	});
});
