import type { TriggerPanelDefinition } from 'n8n-workflow';

import { POS_SESSION_STATUSES } from '../InbankSmartRent/contract/posSession';
import type { PosSessionStatus } from './parse';

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
 */
export const SETUP_CALLOUT =
	'Paste this trigger’s <b>Production URL</b> (Webhook URLs above) into <b>Callback URL</b> of Inbank Smart Rent → POS Session → Create, and publish the workflow. To try it first: <b>Listen for test event</b>, create a POS session with the <b>Test URL</b> as Callback URL, and approve, decline or cancel it at its <code>redirectUrl</code>.';

const TEST_STEPS =
	'1. Click <b>Listen for test event</b>. 2. Create a POS session (Inbank Smart Rent → POS Session → Create) with this trigger’s <b>Test URL</b> as <b>Callback URL</b> (add <code>?token=</code> and your token in Secret Token mode). 3. Open the session’s <code>redirectUrl</code> and approve, decline or cancel the application: Inbank then calls the Test URL. While it listens, n8n says “Go to Inbank Smart Rent and create an event”: that means steps 2 and 3.';

/**
 * Replaces n8n's generic webhook texts ("Pull in events from …", "… make an event happen") with the
 * steps that make Inbank call this trigger. n8n keeps its own line while listening; TEST_STEPS says what
 * it means.
 */
export const TRIGGER_PANEL: TriggerPanelDefinition = {
	header: 'Receive Inbank’s status callbacks for your POS sessions',
	executionsHelp: {
		inactive: `<b>While building your workflow:</b> ${TEST_STEPS} The test execution shows up here; test events always run and are not remembered as handled.<br /><br /><b>Once it works:</b> publish the workflow and put the <b>Production URL</b> into Callback URL of the Create step. Every status change Inbank reports for those sessions then starts one execution (listed under Executions).`,
		active: `<b>This workflow is published:</b> every status change Inbank reports to the <b>Production URL</b> starts one execution, listed under Executions (not here); a repeated delivery starts nothing.<br /><br /><b>To test here:</b> ${TEST_STEPS}`,
	},
	activationHint: {
		inactive: `${TEST_STEPS} Then publish the workflow and use the Production URL.`,
		active:
			'Published: callbacks to the Production URL start executions listed under Executions, not here. To test here, use the Test URL as Callback URL of a new POS session.',
	},
};

/** Version 1.2: routed outputs for the selected statuses only. */
export const SELECTED_OUTPUTS_VERSION = 1.2;

/**
 * The statuses that get an output when routing, in the canonical order: the selected ones from version
 * 1.2, all six before (so that a 1.1 node's connections keep their statuses). Mirrors OUTPUTS_EXPRESSION.
 */
export function routedStatuses(selected: ReadonlySet<PosSessionStatus>, typeVersion: number): PosSessionStatus[] {
	return POS_SESSION_STATUSES.filter((status) => typeVersion < SELECTED_OUTPUTS_VERSION || selected.has(status));
}

/** One output, or one per routed status named after it (routedStatuses, written as an n8n expression). */
export const OUTPUTS_EXPRESSION: `={{${string}}}` = `={{ $parameter["routeByStatus"] ? ${JSON.stringify(POS_SESSION_STATUSES)}.filter((s) => $nodeVersion < ${SELECTED_OUTPUTS_VERSION} || !Array.isArray($parameter["statuses"]) || $parameter["statuses"].includes(s)).map((s) => ({ type: "main", displayName: s })) : ["main"] }}`;
