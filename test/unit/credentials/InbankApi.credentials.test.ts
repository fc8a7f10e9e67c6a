import type { INodeTypes } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { CREDENTIAL_PROBE_SESSION_UUID, InbankApi } from '../../../credentials/InbankApi.credentials';
import {
	BASE_URL_EXPRESSION,
	BASE_URL_REQUIRED_COUNTRIES,
	COUNTRIES,
	ENVIRONMENTS,
	HOSTS,
	isLocalNetworkHost,
	resolveBaseUrl,
} from '../../../nodes/shared/transport/hosts';
import { InbankSmartRent } from '../../../nodes/InbankSmartRent/InbankSmartRent.node';

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
			'allowUnencryptedHttp',
			'defaultProductCode',
		]);
		expect(credential.properties[1].typeOptions?.password).toBe(true);
		const environment = credential.properties.find((p) => p.name === 'environment');
		expect(environment?.default).toBe('demo');
		expect(environment?.options?.map((o) => (o as { value: string }).value).sort()).toEqual([...ENVIRONMENTS].sort());
		const country = credential.properties.find((p) => p.name === 'country');
		expect(country?.options?.map((o) => (o as { value: string }).value).sort()).toEqual([...COUNTRIES].sort());
	});

	it('says in the UI that Lithuania needs the Base URL Inbank gives the shop, and what the test shows without it', () => {
		const country = credential.properties.find((p) => p.name === 'country');
		const lithuania = country?.options?.find((o) => (o as { value: string }).value === 'lt') as { name: string; description: string };
		expect(lithuania.name).toBe('Lithuania (Base URL Required)');
		expect(lithuania.description).toMatch(/publishes no Lithuanian API host: set Base URL .* nothing is sent \(the test shows ERR_INVALID_URL\)/);
		expect(country?.hint).toMatch(/Lithuania: Base URL/);
		const baseUrl = credential.properties.find((p) => p.name === 'baseUrl');
		expect(baseUrl?.description).toMatch(/^Required for Lithuania/);
		expect(baseUrl?.hint).toMatch(/ERR_INVALID_URL in the test: .*Lithuania without Base URL/);
		expect(credential.properties[0].displayName).toMatch(/ERR_INVALID_URL: see Base URL\./);
	});

	const PUBLISHED = COUNTRIES.filter((country) => country !== 'lt');

	it.each(ENVIRONMENTS.flatMap((environment) => PUBLISHED.map((country) => [environment, country] as const)))(
		'the credential test targets the same host as the node for %s / %s',
		(environment, country) => {
			const value = evaluate(BASE_URL_EXPRESSION, { environment, country, baseUrl: '' });
			expect(value).toBe(HOSTS[environment][country]);
			expect(value).toBe(resolveBaseUrl({ environment, country, baseUrl: '' }));
			expect(value).toBe(`https://${environment === 'demo' ? 'demo-api' : 'api'}.inbank.${country}`);
		},
	);

	it.each(ENVIRONMENTS)('Lithuania (%s) without Base URL: no URL for the credential test, none for the node, no guessed host anywhere', (environment) => {
		expect(evaluate(BASE_URL_EXPRESSION, { environment, country: 'lt', baseUrl: '' })).toBe('');
		expect(evaluate(BASE_URL_EXPRESSION, { environment, country: 'lt', baseUrl: '  ' })).toBe('');
		expect(resolveBaseUrl({ environment, country: 'lt', baseUrl: '' })).toBeUndefined();
		expect(BASE_URL_EXPRESSION).not.toMatch(/inbank\.lt/);
		expect(JSON.stringify(HOSTS)).not.toMatch(/inbank\.lt/);
		expect(BASE_URL_REQUIRED_COUNTRIES).toEqual(['lt']);
		// With the Base URL Inbank gave the shop, both go there.
		const given = { environment, country: 'lt', baseUrl: 'https://inbank-lt.example.com/' };
		expect(evaluate(BASE_URL_EXPRESSION, given)).toBe('https://inbank-lt.example.com');
		expect(resolveBaseUrl(given as never)).toBe('https://inbank-lt.example.com');
	});

	it('a custom base URL replaces the host in both places, without trailing slashes', () => {
		const credentials = { environment: 'production', country: 'ee', baseUrl: ' http://127.0.0.1:4010// ' };
		expect(evaluate(BASE_URL_EXPRESSION, credentials)).toBe('http://127.0.0.1:4010');
		expect(resolveBaseUrl(credentials as never)).toBe('http://127.0.0.1:4010');
	});

	it.each([
		['https://inbank-proxy.example.com/x', {}, 'https://inbank-proxy.example.com/x'],
		['http://127.0.0.1:4010/', {}, 'http://127.0.0.1:4010'],
		['http://localhost:4010', {}, 'http://localhost:4010'],
		['http://10.1.2.3', {}, 'http://10.1.2.3'],
		['http://172.20.0.5:8080', {}, 'http://172.20.0.5:8080'],
		['http://192.168.0.2', {}, 'http://192.168.0.2'],
		['http://[::1]:4010', {}, 'http://[::1]:4010'],
		['http://[fd00:1::2]', {}, 'http://[fd00:1::2]'],
		['http://user:p@ss@10.0.0.1', {}, 'http://user:p@ss@10.0.0.1'],
		['http://inbank-proxy.example.com', {}, ''],
		['HTTP://8.8.8.8', {}, ''],
		['http://172.32.0.1', {}, ''],
		['http://127.0.0.1.nip.io', {}, ''],
		['http://127.0.0.1@evil.example', {}, ''],
		['http://localhost:80@evil.example', {}, ''],
		['http://evil.example#@127.0.0.1', {}, ''],
		['http://evil.example\\@127.0.0.1', {}, ''],
		['http://[fd::1]', {}, ''],
		['http://inbank-sandbox:4010', {}, ''],
		['http://inbank-sandbox:4010', { allowUnencryptedHttp: true }, 'http://inbank-sandbox:4010'],
	])('the credential test sends to http:// hosts as the node does: %p %p → %p', (baseUrl, extra, expected) => {
		const value = evaluate(BASE_URL_EXPRESSION, { environment: 'demo', country: 'ee', baseUrl, ...extra });
		expect(value).toBe(expected);
		if (expected !== '') {
			// Never looser than the node: what the test would contact, the node contacts too.
			const url = new URL(expected);
			expect(url.protocol === 'https:' || (extra as { allowUnencryptedHttp?: boolean }).allowUnencryptedHttp === true || isLocalNetworkHost(url.hostname)).toBe(true);
		}
	});

	it('its request never follows a redirect and fails on one (n8n 2.x), with a message saying why', () => {
		const request = credential.test.request;
		expect(request.disableFollowRedirect).toBe(true);
		expect(request.sendCredentialsOnCrossOriginRedirect).toBe(false);
		expect(request.ignoreHttpStatusErrors).toEqual({ ignore: true, except: [300, 301, 302, 303, 304, 305, 307, 308] });
		const redirectRules = (credential.test.rules ?? []).filter((rule) => rule.type === 'responseCode');
		expect(redirectRules.map((rule) => (rule.properties as { value: number }).value)).toEqual([300, 301, 302, 303, 304, 305, 307, 308]);
		for (const rule of redirectRules) expect((rule.properties as { message: string }).message).toMatch(/redirect \(HTTP 3\d\d\), which was not followed/);
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
