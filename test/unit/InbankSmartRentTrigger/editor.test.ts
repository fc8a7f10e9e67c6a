import type { INode, INodeParameters, IRun, INodeProperties, INodeTypeDescription, TriggerPanelDefinition } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { InbankSmartRentTrigger } from '../../../nodes/InbankSmartRentTrigger/InbankSmartRentTrigger.node';
import { POS_SESSION_STATUS_MEANING } from '../../../nodes/shared/domain';
import { routedStatuses, SETUP_CALLOUT } from '../../../nodes/InbankSmartRentTrigger/ui';
import { runWorkflow } from '../../support/engine';
import { exampleWorkflows } from '../../support/examples';

/** What a merchant sees of the trigger in n8n's editor. */

const { description } = new InbankSmartRentTrigger();
const property = (name: string): INodeProperties | undefined => description.properties.find((p) => p.name === name);
const STATUSES = ['pending', 'granted', 'completed', 'cancelled', 'declined', 'expired'];

/** The trigger's outputs as n8n computes them (NodeHelpers.getNodeOutputs over a real Workflow). */
function outputsOf(parameters: INodeParameters): Array<string | { type: string; displayName?: string }> {
	const node: INode = {
		id: 't',
		name: 'Inbank Smart Rent Trigger',
		type: 'n8n-nodes-inbank.inbankSmartRentTrigger',
		typeVersion: description.version as number,
		position: [0, 0],
		parameters,
	};
	const nodeType = { description };
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: { getByName: () => nodeType, getByNameAndVersion: () => nodeType, getKnownTypes: () => ({}) },
	});
	return NodeHelpers.getNodeOutputs(workflow, workflow.getNode(node.name)!, description as INodeTypeDescription) as never;
}
const names = (outputs: ReturnType<typeof outputsOf>) => outputs.map((output) => (typeof output === 'string' ? output : output.displayName));

describe('the nodes panel entry (shared with the action node)', () => {
	it('describes both nodes, not only the trigger', () => {
		expect(description.description).not.toMatch(/^Starts the workflow/);
		expect(description.description).toMatch(/POS sessions and contracts/);
		expect(description.description).toMatch(/workflows that start when a POS session’s status changes/);
	});
});

describe('the status filter', () => {
	it('offers every session status, by name, each described by what it means for the merchant (the item’s event text)', () => {
		const options = (property('statuses')?.options ?? []) as Array<{ name: string; value: string; description?: string }>;
		expect(options.map((option) => option.value)).toEqual([...STATUSES].sort());
		expect(options.map((option) => option.name)).toEqual(['Cancelled', 'Completed', 'Declined', 'Expired', 'Granted', 'Pending']);
		for (const option of options) expect(option.description).toBe(POS_SESSION_STATUS_MEANING[option.value as keyof typeof POS_SESSION_STATUS_MEANING]);
		expect(options.find((option) => option.value === 'completed')?.description).toMatch(/paid/);
	});
});

describe('the trigger panel', () => {
	const panel = description.triggerPanel as TriggerPanelDefinition;
	it('replaces n8n’s generic texts with the steps that make Inbank call the trigger', () => {
		expect(typeof panel).toBe('object');
		expect(panel.header).toMatch(/status callbacks/);
		const { executionsHelp, activationHint } = panel as { executionsHelp: { active: string; inactive: string }; activationHint: { active: string; inactive: string } };
		for (const text of [executionsHelp.active, executionsHelp.inactive, activationHint.inactive]) {
			expect(text).toMatch(/<b>Test URL<\/b> as <b>Callback URL<\/b>/);
			expect(text).toMatch(/redirectUrl/);
			expect(text).toMatch(/“Go to Inbank Smart Rent and create an event” means steps 2 and 3/);
		}
		expect(executionsHelp.inactive).toMatch(/publish the workflow and put the <b>Production URL<\/b>/);
		expect(activationHint.active).toMatch(/listed under Executions, not here/);
	});

	// n8n 2.41 and 1.123 both label the test button "Execute step" for any trigger but their own Webhook
	// node ("Listen for test event" is that node's label only).
	it('names the button the editor shows, Execute step', () => {
		const { executionsHelp, activationHint } = panel as { executionsHelp: { active: string; inactive: string }; activationHint: { active: string; inactive: string } };
		for (const text of [SETUP_CALLOUT, executionsHelp.active, executionsHelp.inactive, activationHint.active, activationHint.inactive]) {
			expect(text).toMatch(/<b>Execute step<\/b>/);
			expect(text).not.toMatch(/Listen for test event/i);
		}
	});

	it('says where a routed test event’s item is (n8n may show an empty branch first)', () => {
		const { executionsHelp, activationHint } = panel as { executionsHelp: { active: string; inactive: string }; activationHint: { active: string; inactive: string } };
		for (const text of [executionsHelp.active, executionsHelp.inactive, activationHint.inactive]) {
			expect(text).toMatch(/the item is under its status’s tab in the output; n8n may show an empty tab first/);
		}
	});

	it('says test runs are listed under Executions and not remembered by the duplicate check (not “not recorded”)', () => {
		const { executionsHelp } = panel as { executionsHelp: { inactive: string } };
		expect(executionsHelp.inactive).toMatch(/Test runs are listed under Executions too; they always run, and the duplicate check does not remember them/);
		expect(JSON.stringify(panel)).not.toMatch(/not recorded|not remembered as handled/);
	});
});

describe('short texts in a narrow panel', () => {
	const visible = (html: string) => html.replace(/<[^>]+>/g, '');
	it('keeps the setup callout and Verify Then Fetch Session’s description at 200 characters or less', () => {
		expect(visible(property('productionUrlCallout')!.displayName).length).toBeLessThanOrEqual(200);
		expect(property('productionUrlCallout')!.displayName.length).toBeLessThanOrEqual(200);
		expect(property('fetchSession')!.description!.length).toBeLessThanOrEqual(200);
		expect(property('fetchSession')!.description).toMatch(/run on its record.*ahead of the record.*HTTP 503/);
	});
});

describe('a routed test event in n8n’s real engine', () => {
	const TYPE = 'n8n-nodes-inbank.inbankSmartRentTrigger';
	async function run(parameters: INodeParameters, statuses: string[], mode = 'manual') {
		const nodeName = 'Inbank Smart Rent Trigger';
		const result = await runWorkflow({
			nodes: [{ id: 't', name: nodeName, type: TYPE, typeVersion: description.version as number, position: [0, 0], parameters }],
			nodeTypes: { [TYPE]: new InbankSmartRentTrigger() },
			items: statuses.map((status, i) => ({ json: { uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, status } })),
			mode,
		});
		const task = (result as IRun).data.resultData.runData[nodeName][0];
		return { hints: task.hints ?? [], outputs: (task.data?.main ?? []).map((items) => (items ?? []).length) };
	}

	it('puts the item on its status’s output and says, above the tabs, which tab holds it', async () => {
		const { hints, outputs } = await run({ routeByStatus: true }, ['granted']);
		expect(outputs).toEqual([0, 1, 0, 0, 0, 0]);
		expect(hints).toEqual([
			{ message: 'This test event is on the <b>Granted Branch</b> tab: pick it if another branch is shown.', type: 'info', location: 'outputPane' },
		]);
	});

	it('names each tab once for several items', async () => {
		const { hints } = await run({ routeByStatus: true, statuses: ['granted', 'completed'] }, ['completed', 'granted', 'completed']);
		expect(hints.map((hint) => hint.message)).toEqual(['This test event is on the <b>Completed Branch</b> and <b>Granted Branch</b> tabs: pick them if another branch is shown.']);
	});

	it('says nothing with one output', async () => {
		const { hints, outputs } = await run({ routeByStatus: false }, ['granted']);
		expect(outputs).toEqual([1]);
		expect(hints).toEqual([]);
	});
});

describe('notices and callouts', () => {
	it('shows the setup information as a callout, unlike the warnings', () => {
		expect(property('productionUrlCallout')?.type).toBe('callout');
		expect(property('productionUrlCallout')?.displayName).toMatch(/Production URL/);
		expect(property('productionUrlNotice')).toBeUndefined();
		for (const warning of ['insecureNotice', 'unverifiedStatusNotice']) expect(property(warning)?.type).toBe('notice');
	});

	it('shows the full Callback URL shape in Secret Token mode', () => {
		const token = property('callbackToken');
		expect(token?.hint).toBe('Callback URL to paste: https://YOUR-N8N/webhook/WEBHOOK-ID/callback?token=YOUR-CALLBACK-TOKEN');
		const callout = property('tokenUrlCallout');
		expect(callout?.type).toBe('callout');
		expect(callout?.displayOptions?.show?.verification).toEqual(['urlToken']);
		expect(callout?.displayName).toMatch(/<code>https:\/\/YOUR-N8N\/webhook\/WEBHOOK-ID\/callback\?token=YOUR-CALLBACK-TOKEN<\/code>/);
	});

	it('writes no angle brackets that n8n would take for an HTML tag', () => {
		const texts = [
			...description.properties.flatMap((p) => [p.displayName, p.hint ?? '', p.description ?? '']),
			...Object.values((description.triggerPanel as TriggerPanelDefinition).executionsHelp as object),
			...Object.values((description.triggerPanel as TriggerPanelDefinition).activationHint as object),
		] as string[];
		for (const text of texts) expect(text.replace(/<\/?(b|code|br \/)>/g, '')).not.toMatch(/[<>]/);
	});
});

describe('the outputs, as n8n computes them from the outputs expression', () => {
	it('is one output when routing is off', () => {
		expect(outputsOf({ routeByStatus: false, statuses: ['completed'] })).toEqual(['main']);
		expect(outputsOf({})).toEqual(['main']);
	});

	it('gives only the selected statuses an output, named after the status, in a fixed order', () => {
		expect(outputsOf({ routeByStatus: true, statuses: ['expired', 'completed'] })).toEqual([
			{ type: 'main', displayName: 'completed' },
			{ type: 'main', displayName: 'expired' },
		]);
		expect(names(outputsOf({ routeByStatus: true }))).toEqual(STATUSES);
	});

	it('routes the statuses execute() routes to, in the same order', () => {
		const selected = ['expired', 'granted', 'completed'] as const;
		expect(names(outputsOf({ routeByStatus: true, statuses: [...selected] }))).toEqual(routedStatuses(new Set(selected)));
	});
});

describe('the example workflows', () => {
	// n8n's editor shows a node stored at a version its type does not declare as not installed.
	it('store the trigger at the version it declares', () => {
		const stored = exampleWorkflows()
			.flatMap(({ workflow }) => workflow.nodes)
			.filter((node) => node.type === 'n8n-nodes-inbank.inbankSmartRentTrigger')
			.map((node) => node.typeVersion);
		expect(stored.length).toBeGreaterThanOrEqual(3);
		expect(new Set(stored)).toEqual(new Set([description.version]));
	});
});

describe('changing the routed statuses', () => {
	it('tells the user, when routing, to check the connections', () => {
		expect(property('routedOutputsNotice')?.displayOptions?.show).toEqual({ routeByStatus: [true] });
		expect(property('routedOutputsNotice')?.displayName).toMatch(/connections by output position/);
	});
});
