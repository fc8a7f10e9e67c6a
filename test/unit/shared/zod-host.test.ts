// The compiled nodes take zod from the host n8n. A host whose root zod is 4.x (`zod` is then the v4
// API, `zod/v3` the v3 one) must change nothing: the same bodies sent, the same problems listed.
import type { INodeParameters } from 'n8n-workflow';

import { fullFieldParameters, minimalFieldParameters } from '../../support/fixtures';
import { shippedSources } from '../../support/source-files';
import type * as ThroughExecute from '../../support/through-execute';

type Host = 'zod 3.25 (n8n 2.41.1, 1.123.81)' | 'zod 4 at the root';

/** The node's Create POS session, loaded afresh with the host's `zod` and `zod/v3`. */
async function createWith(host: Host): Promise<typeof ThroughExecute> {
	const root = host === 'zod 4 at the root' ? 'zod4' : 'zod';
	// Only the nodes' own import is swapped: n8n-core (loaded by the test harness) needs its own zod 3 API,
	// and the nodes import nothing but `zod/v3` (checked below).
	jest.doMock('zod/v3', () => jest.requireActual(`${root}/v3`));
	let module: typeof ThroughExecute | undefined;
	await jest.isolateModulesAsync(async () => {
		module = await import('../../support/through-execute');
	});
	jest.dontMock('zod/v3');
	return module!;
}

const items: Array<[string, INodeParameters]> = [
	['every field', fullFieldParameters()],
	['the fewest fields', minimalFieldParameters()],
	['empty required fields', minimalFieldParameters({ productCode: '', locale: '', period: 0, purchaseDescription: '' })],
	[
		'bad numbers, a bad URL and a callback without partner URLs',
		minimalFieldParameters({
			period: 24.5,
			callbackUrl: 'ftp://shop.test/cb',
			assets: { asset: [{ type: 'MODEL_BASED', modelId: '', modelName: 'iPhone', netPrice: '799,90' }] },
		}),
	],
	['a JSON body', { inputMode: 'json', requestBody: JSON.stringify({ productCode: 'smart_rent_ee', locale: 1 }) }],
];

describe('zod: a host with zod 4 at its root', () => {
	it('is what this test simulates: `zod` there is the v4 API, `zod/v3` the v3 one', () => {
		const v4 = jest.requireActual<{ z: { string(): object } }>('zod4');
		const v3 = jest.requireActual<{ z: { string(): object } }>('zod4/v3');
		expect(jest.requireActual<{ version: string }>('zod4/package.json').version).toMatch(/^4\./);
		// ZodString.ip() exists in the v3 API only (v4 moved it to z.ipv4() / z.ipv6()).
		expect('ip' in v4.z.string()).toBe(false);
		expect('ip' in v3.z.string()).toBe(true);
	});

	it.each(items)('Create POS session with %s: the same outcome as on zod 3.25', async (_name, parameters) => {
		// One after the other: each load must see its own host's mocks.
		const onZod3 = await (await createWith('zod 3.25 (n8n 2.41.1, 1.123.81)')).createThroughExecute(parameters);
		const onZod4 = await (await createWith('zod 4 at the root')).createThroughExecute(parameters);
		expect(onZod3.crash).toBeUndefined();
		expect(onZod4).toEqual(onZod3);
	});

	it('the shipped code imports zod only as `zod/v3` (the one import this test swaps)', () => {
		const imports = shippedSources().flatMap(({ path, text }) =>
			[...text.matchAll(/(?:from|require\()\s*['"](zod[^'"]*)['"]/g)].map((match) => `${path}: ${match[1]}`),
		);
		expect(imports.length).toBeGreaterThan(0);
		expect(imports.filter((line) => !line.endsWith(': zod/v3'))).toEqual([]);
	});

	it('the outcomes differ between the items (the comparison is not of empty results)', async () => {
		const module = await createWith('zod 4 at the root');
		const outcomes = await Promise.all(items.map(async ([, parameters]) => await module.createThroughExecute(parameters)));
		expect(outcomes.filter((outcome) => outcome.body).length).toBe(2);
		for (const outcome of outcomes.filter((o) => o.problems)) expect(outcome.problems?.length).toBeGreaterThan(0);
		expect(new Set(outcomes.map((outcome) => JSON.stringify(outcome))).size).toBe(items.length);
	});
});
