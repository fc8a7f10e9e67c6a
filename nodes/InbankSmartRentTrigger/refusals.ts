import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

/**
 * Refused callbacks, and how one sent to the Test URL reaches the editor.
 *
 * n8n shows in the editor only what an execution does; a webhook call that starts none leaves the editor
 * listening, silently. So while the editor listens for a test event (mode `manual`), a refusal still
 * answers the caller as in production, and also hands n8n one item that carries the reason. That
 * starts the test execution, whose first step (the trigger's execute()) fails with the reason: the
 * editor shows the trigger failed and why. n8n accepts an answer already sent (noWebhookResponse) and
 * workflowData together, in 1.x and 2.x alike. In production a refusal never returns workflowData.
 */

/** Why a callback was refused, with what to do about it. */
export interface Refusal {
	code: 400 | 401 | 503;
	/** What was wrong; request values quoted and cut, never a secret. */
	reason: string;
	/** What the merchant can do, for the editor. */
	fix: string;
	/**
	 * A 503 that Inbank is asked to send again and that will then pass (a read that lags, a flood): a test
	 * event refused so leaves the editor listening, because ending the listening would turn the resend
	 * away from the Test URL.
	 */
	resendPasses?: boolean;
}

/** Where the marker item keeps the refusal: a key no accepted callback's item has. */
export const REFUSED_TEST_EVENT = 'refusedTestEvent';

/** The item that carries a refused test event into the test execution. */
export function refusedTestEventItem(refusal: Refusal): INodeExecutionData {
	return { json: { [REFUSED_TEST_EVENT]: { httpStatus: refusal.code, reason: refusal.reason, fix: refusal.fix } } };
}

/** The refusal an input item carries, if it is the marker. */
export function refusalIn(item: INodeExecutionData): { httpStatus: number; reason: string; fix: string } | undefined {
	const marker = item.json[REFUSED_TEST_EVENT] as IDataObject | undefined;
	if (typeof marker !== 'object' || marker === null) return undefined;
	return { httpStatus: Number(marker.httpStatus), reason: String(marker.reason), fix: String(marker.fix ?? '') };
}

/** What the merchant can do, per kind of refusal (the README's "Nothing fires?" says the same). */
export const FIX = {
	misconfigured:
		'Correct that parameter of the trigger. Until then every callback is answered 503, so Inbank sends it again.',
	malformed:
		'This request is not a callback the trigger can read (what it carried is listed above, names and lengths only). A request from a browser or a scanner can be ignored. If it came from Inbank, its callbacks have a shape this node does not know: set Verification to Secret Token in the Callback URL and keep Verify Then Fetch Session on.',
	unsigned:
		'In Inbank Signature mode a callback must carry hmac, timestamp and message. If these are Inbank’s real callbacks, Inbank signs them differently or not at all: set Verification to Secret Token in the Callback URL, put the URL with ?token= into Callback URL of POS Session → Create, and keep Verify Then Fetch Session on.',
	wrongKey:
		'The signature has the form this node checks but another value: check that the credential’s API key is the key of the shop that created the session (a demo key for demo sessions), and that nothing between Inbank and n8n changes the request.',
	clock:
		'Check that the clock of n8n’s server is right (synchronised, e.g. by NTP). With Verify Then Fetch Session on, a correctly signed callback older than the Replay Window is checked against Inbank’s record instead of refused.',
	token:
		'Give Inbank the Callback URL with ?token= followed by this node’s Callback Token, exactly (the Callback Token field’s hint shows the shape), in Callback URL of POS Session → Create.',
	noStatus:
		'Turn on Verify Then Fetch Session: the workflow then runs on Inbank’s record of the session, for which the callback needs to name the session only.',
	readFailed:
		'Test the Inbank API credential (API key, Shop UUID, Environment, Country, Base URL). Inbank was answered 503 and sends the callback again.',
	otherRecord:
		'The address in the credential answered for another session: check Base URL in the Inbank API credential.',
	resend: 'Nothing to do: Inbank was answered 503 and sends the callback again; it then runs.',
} as const;
