import type { NodeExecutionHint, TriggerPanelDefinition } from 'n8n-workflow';

import { POS_SESSION_STATUSES, type PosSessionStatus } from '../shared/domain';

/** What the editor shows for the trigger: panel texts and the outputs expression. */

/**
 * n8n's nodes panel merges an action node and its trigger into one entry that shows the trigger's
 * description, so this one describes both nodes.
 */
export const COMBINED_DESCRIPTION =
	'Rent devices with Inbank Smart Rent: asset conditions, rent, POS sessions and contracts, and workflows that start when a POS session’s status changes';

/** The Callback URL a merchant pastes in Secret Token mode (no angle brackets: n8n renders these texts as HTML). */
export const TOKEN_URL_SHAPE = 'https://YOUR-N8N/webhook/WEBHOOK-ID/callback?token=YOUR-CALLBACK-TOKEN';

/**
 * The setup callout. A callout's text is a sentence, not a field label: lint's title-case rule for
 * display names reads it as one (n8n's own callouts, e.g. Telegram's, switch the rule off for it).
 * n8n 2.41 and 1.123 both label the test button of a trigger other than their own Webhook node
 * "Execute step" (the output panel's reads "Test this trigger").
 */
export const SETUP_CALLOUT =
	'Put the <b>Production URL</b> above into <b>Callback URL</b> of POS Session → Create, and publish the workflow. To test first: <b>Execute step</b> and the <b>Test URL</b> (steps on the left).';

/** The Verify Then Fetch Session switch. */
export const FETCH_SESSION_DESCRIPTION =
	'Whether to read the session from Inbank and run on its record (status, order, contract, amount). A callback ahead of the record, or an unsigned one that cannot be read, gets HTTP 503.';

/**
 * While n8n listens it shows its own "Go to Inbank Smart Rent and create an event", which a node cannot
 * change (n8n takes only the header, the activation hint and the executions help from triggerPanel).
 */
const TEST_STEPS =
	'1. Click <b>Execute step</b>. 2. Create a POS session with the <b>Test URL</b> as <b>Callback URL</b> (plus <code>?token=</code>… in Secret Token mode). 3. Approve, decline or cancel it at its <code>redirectUrl</code>: Inbank calls the Test URL. n8n’s “Go to Inbank Smart Rent and create an event” means steps 2 and 3.';

/**
 * n8n's output panel keeps the branch tab it showed while listening (the first, pending) and a node
 * cannot choose another (n8n 2.41 and 1.123 alike), so the texts say where the item is.
 */
const WHERE_THE_ITEM_IS =
	'With one output per status, the item is under its status’s tab in the output; n8n may show an empty tab first.';

/** Replaces n8n's generic webhook texts ("Pull in events from …", "… make an event happen"). */
export const TRIGGER_PANEL: TriggerPanelDefinition = {
	header: 'Receive Inbank’s status callbacks for your POS sessions',
	executionsHelp: {
		inactive: `<b>While building your workflow:</b> ${TEST_STEPS} ${WHERE_THE_ITEM_IS} Test runs are listed under Executions too; they always run, and the duplicate check does not remember them.<br /><br /><b>Once it works:</b> publish the workflow and put the <b>Production URL</b> into Callback URL of the Create step. Every status change Inbank reports for those sessions then starts one execution (listed under Executions).`,
		active: `<b>This workflow is published:</b> every status change Inbank reports to the <b>Production URL</b> starts one execution, listed under Executions (not here); a repeated delivery starts nothing.<br /><br /><b>To test here:</b> ${TEST_STEPS} ${WHERE_THE_ITEM_IS}`,
	},
	activationHint: {
		inactive: `${TEST_STEPS} ${WHERE_THE_ITEM_IS} Then publish the workflow and use the <b>Production URL</b>.`,
		active:
			'Published: callbacks to the Production URL start executions listed under Executions, not here. To test here: <b>Execute step</b>, and the Test URL as Callback URL of a new POS session.',
	},
};

/** Said in the output of a routed test run, above the branch tabs: which tab holds the item. */
export function routedItemHint(statuses: readonly PosSessionStatus[]): NodeExecutionHint {
	// n8n names a tab after the output's displayName (the status) with its first letter capitalised.
	const tabs = [...new Set(statuses)].map((status) => `<b>${status[0].toUpperCase()}${status.slice(1)} Branch</b>`);
	return {
		message: `This test event is on the ${tabs.join(' and ')} ${tabs.length > 1 ? 'tabs: pick them' : 'tab: pick it'} if another branch is shown.`,
		type: 'info',
		location: 'outputPane',
	};
}

/** The statuses that get an output when routing: the selected ones, in the canonical order. Mirrors OUTPUTS_EXPRESSION. */
export function routedStatuses(selected: ReadonlySet<PosSessionStatus>): PosSessionStatus[] {
	return POS_SESSION_STATUSES.filter((status) => selected.has(status));
}

/** One output, or one per routed status named after it (routedStatuses, written as an n8n expression). */
export const OUTPUTS_EXPRESSION: `={{${string}}}` = `={{ $parameter["routeByStatus"] ? ${JSON.stringify(POS_SESSION_STATUSES)}.filter((s) => !Array.isArray($parameter["statuses"]) || $parameter["statuses"].includes(s)).map((s) => ({ type: "main", displayName: s })) : ["main"] }}`;
