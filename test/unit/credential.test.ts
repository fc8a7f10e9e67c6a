import type { INodeTypes } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { CREDENTIAL_PROBE_SESSION_UUID, InbankApi } from '../../credentials/InbankApi.credentials';
import {
	BASE_URL_EXPRESSION,
	COUNTRIES,
	ENVIRONMENTS,
	HOSTS,
	resolveBaseUrl,
} from '../../nodes/InbankSmartRent/transport/hosts';
import { InbankSmartRent } from '../../nodes/InbankSmartRent/InbankSmartRent.node';

/** Evaluates an n8n expression with n8n-workflow's own expression engine, as the credential test does. */
function evaluate(expression: string, credentials: Record<string, unknown>): unknown {
	const nodeTypes = {
		getByName: () => ({ description: { properties: [] } }),
		getByNameAndVersion: () => ({ description: { properties: [] } }),
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const workflow = new Workflow({
		nodes: [{ id: '1', name: 'Temp', type: 'temp', typeVersion: 1, position: [0, 0], parameters: {} }],
		connections: {},
		active: false,
		nodeTypes,
	});
	return workflow.expression.getParameterValue(expression, null, 0, 0, 'Temp', [], 'internal', {
		$credentials: credentials,
	});
}

describe('Inbank API credential', () => {
	const credential = new InbankApi();

	it('has the stable property names users see', () => {
		expect(credential.name).toBe('inbankApi');
		expect(credential.properties.map((p) => p.name)).toEqual([
			'unreachableNotice',
			'apiKey',
			'environment',
			'country',
			'shopUuid',
			'baseUrl',
			'defaultProductCode',
		]);
		expect(credential.properties[1].typeOptions?.password).toBe(true);
		const environment = credential.properties.find((p) => p.name === 'environment');
		expect(environment?.default).toBe('demo');
		expect(environment?.options?.map((o) => (o as { value: string }).value).sort()).toEqual([...ENVIRONMENTS].sort());
		const country = credential.properties.find((p) => p.name === 'country');
		expect(country?.options?.map((o) => (o as { value: string }).value).sort()).toEqual([...COUNTRIES].sort());
	});

	it('says in the UI that the Lithuanian host is unconfirmed', () => {
		const country = credential.properties.find((p) => p.name === 'country');
		const lithuania = country?.options?.find((o) => (o as { value: string }).value === 'lt') as { name: string; description: string };
		expect(lithuania.name).toMatch(/Unconfirmed/);
		expect(lithuania.description).toMatch(/does not publish/);
	});

	it.each(ENVIRONMENTS.flatMap((environment) => COUNTRIES.map((country) => [environment, country] as const)))(
		'the credential test targets the same host as the node for %s / %s',
		(environment, country) => {
			const value = evaluate(BASE_URL_EXPRESSION, { environment, country, baseUrl: '' });
			expect(value).toBe(HOSTS[environment][country]);
			expect(value).toBe(resolveBaseUrl({ environment, country, baseUrl: '' }));
			expect(value).toBe(`https://${environment === 'demo' ? 'demo-api' : 'api'}.inbank.${country}`);
		},
	);

	it('a custom base URL replaces the host in both places, without trailing slashes', () => {
		const credentials = { environment: 'production', country: 'ee', baseUrl: ' http://127.0.0.1:4010// ' };
		expect(evaluate(BASE_URL_EXPRESSION, credentials)).toBe('http://127.0.0.1:4010');
		expect(resolveBaseUrl(credentials as never)).toBe('http://127.0.0.1:4010');
	});

	it('tests key and shop with a read that cannot create anything', () => {
		const request = credential.test.request;
		expect(request.method).toBe('GET');
		expect(evaluate(String(request.url), { shopUuid: ' shop-1 ' })).toBe(
			`/partner/v3/shops/shop-1/pos-sessions/${CREDENTIAL_PROBE_SESSION_UUID}`,
		);
		const messages = (credential.test.rules ?? []).map((rule) => (rule.properties as { message: string }).message);
		expect(messages.some((m) => /API key.*401/.test(m))).toBe(true);
		expect(messages.some((m) => /Shop UUID.*|403/.test(m))).toBe(true);
	});

	it('authenticates with a bearer header built from the API key, keeping the other headers', async () => {
		const options = await credential.authenticate(
			{ apiKey: ' key-1 \n' },
			{ url: '/x', headers: { 'X-Request-Id': 'r1' } },
		);
		expect(options.headers).toEqual({ 'X-Request-Id': 'r1', Authorization: 'Bearer key-1' });
		expect(options.url).toBe('/x');
	});

	it('is used by the action node, which is usable as an AI tool', () => {
		const { description } = new InbankSmartRent();
		expect(description.credentials).toEqual([{ name: 'inbankApi', required: true }]);
		expect(description.usableAsTool).toBe(true);
	});
});
