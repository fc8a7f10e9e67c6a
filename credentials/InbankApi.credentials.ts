import type {
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { BASE_URL_EXPRESSION } from '../nodes/shared/transport/hosts';

/** A session uuid that cannot exist: looking it up proves key and shop without creating anything. */
export const CREDENTIAL_PROBE_SESSION_UUID = '00000000-0000-4000-8000-000000000000';

/** The redirect statuses: the credential test fails on each instead of following it. */
const REDIRECT_STATUSES = [300, 301, 302, 303, 304, 305, 307, 308];

const UNAUTHORIZED =
	'Inbank did not accept the API key (HTTP 401). Check that it is copied whole and that Environment matches the key (demo keys only work on demo hosts).';
const FORBIDDEN =
	'The API key is valid but not for this shop (HTTP 403). Check Shop UUID: it must be the shop the key was issued for.';

const rules: Array<IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody> = [
	...REDIRECT_STATUSES.map(
		(status): IAuthenticateRuleResponseCode => ({
			type: 'responseCode',
			properties: {
				value: status,
				message: `The host answered with a redirect (HTTP ${status}), which was not followed: Inbank's API does not redirect, and the API key must not go elsewhere. Check Base URL (or Environment and Country): it must be the address the API answers at.`,
			},
		}),
	),
	...[
		['unauthorized', UNAUTHORIZED],
		['Unauthorized', UNAUTHORIZED],
		['User is not authorized to access this resource with an explicit deny', FORBIDDEN],
		['Forbidden', FORBIDDEN],
	].map(
		([value, message]): IAuthenticateRuleResponseSuccessBody => ({
			type: 'responseSuccessBody',
			properties: { key: 'message', value, message },
		}),
	),
];

export class InbankApi implements ICredentialType {
	name = 'inbankApi';

	displayName = 'Inbank API';

	icon: Icon = { light: 'file:inbank.svg', dark: 'file:inbank.dark.svg' };

	documentationUrl = 'https://docs.inbank.eu/';

	properties: INodeProperties[] = [
		{
			// n8n reports a host that cannot be reached with the bare network code in its banner at the top
			// of this form, and lets a credential test reword only HTTP answers: the meaning sits right
			// under that banner, where the merchant looks.
			displayName:
				'ENOTFOUND, ECONNREFUSED, ETIMEDOUT, EAI_AGAIN: the host cannot be reached: check Environment, Country and Base URL. ERR_INVALID_URL: see Base URL.',
			name: 'unreachableNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The partner API key Inbank issued for the shop below. Demo and production keys differ.',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Demo', value: 'demo', description: 'Inbank’s demo hosts (demo-api.inbank.*)' },
				{ name: 'Production', value: 'production', description: 'Live hosts (api.inbank.*)' },
			],
			default: 'demo',
		},
		{
			displayName: 'Country',
			name: 'country',
			type: 'options',
			options: [
				{ name: 'Czechia', value: 'cz' },
				{ name: 'Estonia', value: 'ee' },
				{ name: 'Latvia', value: 'lv' },
				{
					name: 'Lithuania (Base URL Required)',
					value: 'lt',
					description:
						'Inbank publishes no Lithuanian API host: set Base URL to the address Inbank gave the shop. Without it nothing is sent (the test shows ERR_INVALID_URL).',
				},
				{ name: 'Poland', value: 'pl' },
			],
			default: 'ee',
			description: 'Chooses the host, e.g. https://demo-api.inbank.ee for Demo in Estonia. Lithuania has no published host: Base URL is required.',
			// One line: the Lithuanian details are in that option's own name and description.
			hint: 'Host: https://demo-api.inbank.{country code} (Demo) or https://api.inbank.{country code}; Lithuania: Base URL.',
		},
		{
			displayName: 'Shop UUID',
			name: 'shopUuid',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 00000000-0000-4000-8000-000000000000',
			description:
				'The shop the API key belongs to, a UUID. Every request goes to /partner/v3/shops/{Shop UUID}/…',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://inbank-sandbox.example.com',
			description:
				'Required for Lithuania (Inbank publishes no Lithuanian host: give the address Inbank gave the shop); optional otherwise. When set, replaces the host chosen by Environment and Country: for the local Inbank sandbox, a proxy, or a host Inbank gave you. Host and optional path only (no ?query or #fragment); a user:password@ in it is never shown. http:// sends the API key unencrypted and is accepted only for this machine (localhost, 127.x.x.x, [::1]) or a private network (10.x.x.x, 172.16–31.x.x, 192.168.x.x, [fc00::/7]), unless Allow Unencrypted HTTP is on. Redirects are never followed.',
			hint: 'Use https://. ERR_INVALID_URL in the test: http:// outside private networks, or Lithuania without Base URL.',
		},
		{
			displayName: 'Allow Unencrypted HTTP',
			name: 'allowUnencryptedHttp',
			type: 'boolean',
			default: false,
			displayOptions: { hide: { baseUrl: [''] } },
			description:
				'Whether an http:// Base URL may name a host outside this machine and private networks (for example a sandbox in another container, by name). The API key, which also signs Inbank’s callbacks, then crosses that network unencrypted.',
		},
		{
			displayName: 'Default Product Code',
			name: 'defaultProductCode',
			type: 'string',
			default: '',
			placeholder: 'e.g. smart_rent_ee',
			description:
				'Optional. The Smart Rent product code Inbank assigned to the shop, used by every Inbank Smart Rent node whose Product Code is left empty',
		},
	];

	/**
	 * The bearer header, set by a function rather than n8n's generic template: n8n evaluates a template
	 * with its expression engine on every request, a large part of a many-item run's cost (BENCHMARKS.md).
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiKey ?? '').trim()}` },
		};
	}

	// Looks up a session that cannot exist: 404 means key and shop were accepted; nothing is created.
	test: ICredentialTestRequest = {
		request: {
			baseURL: BASE_URL_EXPRESSION,
			url: `=/partner/v3/shops/{{encodeURIComponent($credentials.shopUuid.trim())}}/pos-sessions/${CREDENTIAL_PROBE_SESSION_UUID}`,
			method: 'GET',
			json: true,
			// The key goes to the credential's host only: n8n follows redirects by default and keeps the
			// Authorization header across origins.
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
			// Every answer goes to the rules below (404 is the success), except a redirect, which fails the
			// test (n8n 2.x; n8n 1.x ignores every status: the redirect is still not followed).
			ignoreHttpStatusErrors: { ignore: true, except: REDIRECT_STATUSES },
		},
		// n8n checks each rule by its type; its typing wants an array of one kind.
		rules: rules as IAuthenticateRuleResponseSuccessBody[],
	};
}
