// Rules of n8n's community-node lint plugin that its released version does not run yet (hint-max-length,
// valid-node-categories, single-credential-per-node, require-mit-license), checked on what n8n loads:
// the node and credential classes, at every depth (the lint rule sees only literals in the .node.ts file).
import type { INodeTypeDescription } from 'n8n-workflow';

import { InbankApi } from '../../../credentials/InbankApi.credentials';
import { InbankSmartRent } from '../../../nodes/InbankSmartRent/InbankSmartRent.node';
import actionCodex from '../../../nodes/InbankSmartRent/InbankSmartRent.node.json';
import { InbankSmartRentTrigger } from '../../../nodes/InbankSmartRentTrigger/InbankSmartRentTrigger.node';
import triggerCodex from '../../../nodes/InbankSmartRentTrigger/InbankSmartRentTrigger.node.json';
import { license } from '../../../package.json';

/** n8n's limit: a hint is a short inline nudge; longer text belongs in the description (tooltip). */
const MAX_HINT_LENGTH = 120;
/** The community node categories n8n accepts in a codex file. */
const CATEGORIES = [
	'Data & Storage',
	'Finance & Accounting',
	'Marketing & Content',
	'Productivity',
	'Miscellaneous',
	'Sales',
	'Development',
	'Analytics',
	'Communication',
	'Utility',
];

const nodes: Array<[string, INodeTypeDescription]> = [
	['Inbank Smart Rent', new InbankSmartRent().description],
	['Inbank Smart Rent Trigger', new InbankSmartRentTrigger().description],
];

/** Every hint under `value`, with where it is: properties, collection options, fixedCollection values. */
function hintsIn(value: unknown, path: string, found: Array<{ path: string; hint: string }> = []) {
	if (Array.isArray(value)) {
		value.forEach((entry, index) => hintsIn(entry, `${path}[${index}]`, found));
	} else if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		const here = typeof record.name === 'string' ? `${path}.${record.name}` : path;
		if (typeof record.hint === 'string') found.push({ path: here, hint: record.hint });
		for (const [key, inner] of Object.entries(record)) if (key !== 'hint') hintsIn(inner, here, found);
	}
	return found;
}

describe('hint-max-length', () => {
	const hints = [
		...nodes.flatMap(([name, description]) => hintsIn(description.properties, name)),
		...hintsIn(new InbankApi().properties, 'Inbank API credential'),
	];

	it('finds the hints at every depth (top level, the credential, inside the assets list)', () => {
		expect(hints.length).toBeGreaterThan(20);
		expect(hints.some(({ path }) => /^Inbank API credential.*\.country$/.test(path))).toBe(true);
		expect(hints.some(({ path }) => /\.assets.*\.type$/.test(path))).toBe(true);
	});

	it(`no hint is longer than ${MAX_HINT_LENGTH} characters`, () => {
		const long = hints.filter(({ hint }) => hint.length > MAX_HINT_LENGTH).map(({ path, hint }) => `${path} (${hint.length})`);
		expect(long).toEqual([]);
	});
});

describe('valid-node-categories, single-credential-per-node, require-mit-license', () => {
	it.each([
		['Inbank Smart Rent', actionCodex],
		['Inbank Smart Rent Trigger', triggerCodex],
	])('%s: its codex categories are community node categories', (_name, codex) => {
		expect(codex.categories.length).toBeGreaterThan(0);
		expect(codex.categories.filter((category) => !CATEGORIES.includes(category))).toEqual([]);
		expect(codex).not.toHaveProperty('subcategories');
	});

	it.each(nodes)('%s uses one credential', (_name, description) => {
		expect(description.credentials?.map((credential) => credential.name)).toEqual(['inbankApi']);
	});

	it('the package is MIT', () => {
		expect(license).toBe('MIT');
	});
});
