import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { BASE_URL_EXPRESSION } from '../nodes/InbankSmartRent/transport/hosts';

/** A session uuid that cannot exist: looking it up proves key and shop without creating anything. */
export const CREDENTIAL_PROBE_SESSION_UUID = '00000000-0000-4000-8000-000000000000';

export class InbankApi implements ICredentialType {
	name = 'inbankApi';

	displayName = 'Inbank API';

	icon: Icon = { light: 'file:inbank.svg', dark: 'file:inbank.dark.svg' };

	documentationUrl = 'https://docs.inbank.eu/';

	properties: INodeProperties[] = [
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
					name: 'Lithuania (Host Unconfirmed)',
					value: 'lt',
					description:
						'Inbank does not publish Lithuanian hosts; demo-api.inbank.lt / api.inbank.lt are assumed. Set Base URL if Inbank gave you another.',
				},
				{ name: 'Poland', value: 'pl' },
			],
			default: 'ee',
			description:
				'Chooses the host, e.g. https://demo-api.inbank.ee for Demo in Estonia. Lithuania’s host is not published by Inbank and is assumed.',
			hint: 'Sets the host: https://demo-api.inbank.{country code} for Demo, https://api.inbank.{country code} for Production',
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
				'Optional. When set, replaces the host chosen by Environment and Country: for the local Inbank sandbox, a proxy, or a host Inbank gave you. Host and optional path only (no ?query or #fragment); a user:password@ in it is never shown.',
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
		{
			// n8n reports a host that cannot be reached with the bare network code and lets a credential
			// test reword only HTTP answers: the meaning is given here instead.
			displayName:
				'If the test fails with ECONNREFUSED, ENOTFOUND, ETIMEDOUT or EAI_AGAIN, the host cannot be reached: check Environment, Country or Base URL.',
			name: 'unreachableNotice',
			type: 'notice',
			default: '',
		},
	];

	/**
	 * The bearer header, set by a function rather than n8n's generic template: n8n evaluates a template
	 * with its expression engine on every request (≈ 0.5–1 ms each in n8n 2.41, measured), a third of the
	 * per-item cost of a 1,000-item Create POS Session run.
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
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'message',
					value: 'unauthorized',
					message:
						'Inbank did not accept the API key (HTTP 401). Check that it is copied whole and that Environment matches the key (demo keys only work on demo hosts).',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'message',
					value: 'Unauthorized',
					message:
						'Inbank did not accept the API key (HTTP 401). Check that it is copied whole and that Environment matches the key (demo keys only work on demo hosts).',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'message',
					value: 'User is not authorized to access this resource with an explicit deny',
					message:
						'The API key is valid but not for this shop (HTTP 403). Check Shop UUID: it must be the shop the key was issued for.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'message',
					value: 'Forbidden',
					message:
						'The API key is valid but not for this shop (HTTP 403). Check Shop UUID: it must be the shop the key was issued for.',
				},
			},
		],
	};
}
