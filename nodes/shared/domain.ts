import type { INodePropertyOptions } from 'n8n-workflow';

/**
 * Facts about Inbank Smart Rent that the action node, the trigger and the credential all rely on: one
 * definition each, so that the nodes cannot disagree about them.
 */

/** Session states Inbank documents; callbacks and GET answers carry one of these. */
export const POS_SESSION_STATUSES = ['pending', 'granted', 'completed', 'cancelled', 'declined', 'expired'] as const;

export type PosSessionStatus = (typeof POS_SESSION_STATUSES)[number];

/** What each status means for the merchant (only completed means paid). */
export const POS_SESSION_STATUS_MEANING: Record<PosSessionStatus, string> = {
	pending: 'Application started: the customer has not finished yet',
	granted: 'Financing granted: not paid yet; register the device and activate the contract',
	completed: 'Completed: the contract is active and the order is paid',
	cancelled: 'Cancelled: the customer or the shop cancelled; do not ship',
	declined: 'Declined: Inbank declined the application; offer another payment method',
	expired: 'Expired: the session ran out of time before a decision',
};

/** The statuses as picker options (the trigger's status filter), in the order n8n's lint wants: by name. */
export const POS_SESSION_STATUS_OPTIONS: INodePropertyOptions[] = [...POS_SESSION_STATUSES].sort().map((status) => ({
	name: status.charAt(0).toUpperCase() + status.slice(1),
	value: status,
	description: POS_SESSION_STATUS_MEANING[status],
}));

/** The status that means paid. */
export const PAID_STATUS: PosSessionStatus = 'completed';

export function isPosSessionStatus(value: unknown): value is PosSessionStatus {
	return typeof value === 'string' && (POS_SESSION_STATUSES as readonly string[]).includes(value);
}

/** A UUID in its canonical 8-4-4-4-12 hex form, in either letter case. */
export const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A uuid in the one spelling both nodes key, send and output: canonical 8-4-4-4-12 in lower case.
 * Inbank's ids are UUIDs, which a database compares without regard to letter case, so `5E3A…` and
 * `5e3a…` are one session. Undefined for anything else.
 */
export function canonicalUuid(value: unknown): string | undefined {
	return typeof value === 'string' && CANONICAL_UUID.test(value) ? value.toLowerCase() : undefined;
}

/** Limits of the trigger's replay window for signed callbacks, in seconds. */
export const REPLAY_WINDOW = { min: 30, max: 86_400, default: 300 } as const;

/** Category codes Inbank lists; more can be agreed per partner, so any code of this shape is accepted. */
export const KNOWN_CATEGORY_CODES = [
	'phone',
	'tablet',
	'computer',
	'watch',
	'add_on',
	'copying_fee',
	'shipping_fee',
] as const;

/** Codes Inbank accepts from Latvian shops only (copying_fee "is applicable for only Latvia"). */
export const LATVIA_ONLY_CATEGORY_CODES: readonly string[] = ['copying_fee'];

/** The shape of a category code, listed or agreed (empty allowed: the asset's type rule names a missing one). */
export const CATEGORY_CODE = /^[a-z0-9_]*$/;

/** Marker value of the category picker for a code agreed with Inbank outside the published list. */
export const CUSTOM_CATEGORY = '__custom__';

/** Each listed code's name in the picker, and whether it is a device Smart Rent rents (the rest go with one). */
const CATEGORIES: Record<(typeof KNOWN_CATEGORY_CODES)[number], { name: string; device: boolean }> = {
	phone: { name: 'Phone', device: true },
	tablet: { name: 'Tablet', device: true },
	computer: { name: 'Computer', device: true },
	watch: { name: 'Watch', device: true },
	add_on: { name: 'Add-On', device: false },
	copying_fee: { name: 'Copying Fee', device: false },
	shipping_fee: { name: 'Shipping Fee', device: false },
};

/** The category picker: every listed code, then the choice to type an agreed one (sorted by name, as n8n's linter asks). */
export const CATEGORY_OPTIONS: INodePropertyOptions[] = [
	...KNOWN_CATEGORY_CODES.map((code) => {
		const latviaOnly = LATVIA_ONLY_CATEGORY_CODES.includes(code);
		const { name, device } = CATEGORIES[code];
		return {
			name: `${name}${latviaOnly ? ' (Latvia Only)' : ''}`,
			value: code,
			description: `Code ${code}${device ? ' (Smart Rent)' : ''}${latviaOnly ? '; Inbank accepts it in Latvia only' : ''}`,
		};
	}),
	{ name: 'Other (Code Agreed With Inbank)', value: CUSTOM_CATEGORY, description: 'Type the code below' },
].sort((a, b) => a.name.localeCompare(b.name));
