import type { ICredentialDataDecryptedObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod/v3';

import { formatIssues, isHttpUrl } from '../primitives';
import { BASE_URL_REQUIRED_COUNTRIES, COUNTRIES, ENVIRONMENTS, isLocalNetworkHost, resolveBaseUrl } from './hosts';

export const CREDENTIAL_TYPE = 'inbankApi';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const credentialSchema = z.object({
	apiKey: z.string({ required_error: 'is required' }).trim().min(1, { message: 'must not be empty' }),
	environment: z.enum(ENVIRONMENTS),
	country: z.enum(COUNTRIES),
	// Every request path starts with the shop: anything but a UUID ("..", "a/b") would leave it.
	shopUuid: z
		.string({ required_error: 'is required' })
		.trim()
		.min(1, { message: 'must not be empty' })
		.regex(UUID, { message: 'must be the shop’s UUID, such as 00000000-0000-4000-8000-000000000000' }),
	baseUrl: z
		.string()
		.trim()
		.refine((value) => value === '' || isHttpUrl(value), {
			message: 'must be empty or an http(s) URL such as https://inbank-sandbox.example.com',
		})
		// The API path is appended to it: a query or fragment would swallow the path.
		.refine((value) => !/[?#]/.test(value), {
			message: 'must not contain a query (?…) or a fragment (#…): give the host and an optional path only',
		})
		.optional(),
	defaultProductCode: z.string().trim().optional(),
	allowUnencryptedHttp: z.boolean().optional(),
})
	.superRefine((credentials, context) => {
		const baseUrl = credentials.baseUrl ?? '';
		// Never a guessed host: without a published one, the key goes only where Inbank said.
		if (baseUrl === '' && BASE_URL_REQUIRED_COUNTRIES.includes(credentials.country)) {
			context.addIssue({
				code: z.ZodIssueCode.custom,
				path: ['baseUrl'],
				message:
					'is required when Country is Lithuania: Inbank publishes no Lithuanian API host, so nothing is sent until Base URL holds the address Inbank gave the shop',
			});
			return;
		}
		// The API key (which also signs Inbank's callbacks) must not cross other networks in cleartext.
		if (baseUrl === '' || credentials.allowUnencryptedHttp === true || !isHttpUrl(baseUrl)) return;
		const url = new URL(baseUrl);
		if (url.protocol !== 'http:' || isLocalNetworkHost(url.hostname)) return;
		context.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['baseUrl'],
			message: `must start with https:// for host ${JSON.stringify(url.host)}: http:// would send the API key unencrypted. http:// is accepted only for this machine (localhost, 127.x.x.x, [::1]) or a private network (10.x.x.x, 172.16–31.x.x, 192.168.x.x, [fc00::/7]), or when Allow Unencrypted HTTP (allowUnencryptedHttp) is on in the credential`,
		});
	});

export interface InbankConnection {
	apiKey: string;
	shopUuid: string;
	environment: 'demo' | 'production';
	country: string;
	/** Where requests go; may hold user:password of a proxy. Never shown: use displayBaseUrl. */
	baseUrl: string;
	/** baseUrl without user:password, for errors and items. */
	displayBaseUrl: string;
	/** Whether baseUrl holds a user:password (which n8n sends as Basic authentication instead of the key). */
	baseUrlHasUserinfo: boolean;
	/** What must never appear in an error or an item: the API key, and a base URL's user:password. */
	secrets: string[];
	/** 'custom' when the credential's base URL replaced the Inbank host. */
	target: 'demo' | 'production' | 'custom';
	/** The credential's Default Product Code ('' when not set): used where a node's Product Code is empty. */
	defaultProductCode: string;
	/** The decrypted credential, handed to n8n's request helper so it is not loaded again per request. */
	credentialData: ICredentialDataDecryptedObject;
}

/** The n8n contexts this package calls Inbank from: node executions and the trigger's webhook. */
export type InbankContext = IExecuteFunctions | IWebhookFunctions;

const connections = new WeakMap<object, Promise<InbankConnection>>();

/**
 * The credential, read and checked once per node execution (or webhook call): n8n loads and decrypts
 * credentials on every getCredentials call, which would dominate the cost of a many-item run.
 */
export async function getInbankConnection(this: InbankContext, itemIndex = 0): Promise<InbankConnection> {
	let connection = connections.get(this);
	if (!connection) {
		connection = loadConnection.call(this, itemIndex);
		connections.set(this, connection);
		connection.catch(() => connections.delete(this));
	}
	return await connection;
}

async function loadConnection(this: InbankContext, itemIndex: number): Promise<InbankConnection> {
	const credentialData = await (this as IExecuteFunctions).getCredentials(CREDENTIAL_TYPE, itemIndex);
	const parsed = credentialSchema.safeParse(credentialData);
	if (!parsed.success) {
		const problems = formatIssues(parsed.error.issues).map((problem) => `Inbank API credential: ${problem}`);
		throw new NodeOperationError(this.getNode(), problems[0], {
			description: problems.join('\n'),
			itemIndex,
		});
	}
	const credentials = parsed.data;
	// Checked above: a country without a published host has a Base URL here.
	const baseUrl = resolveBaseUrl(credentials) as string;
	const { display, userinfo } = splitUserinfo(baseUrl);
	return {
		apiKey: credentials.apiKey,
		shopUuid: credentials.shopUuid,
		environment: credentials.environment,
		country: credentials.country,
		defaultProductCode: credentials.defaultProductCode ?? '',
		baseUrl,
		displayBaseUrl: display,
		baseUrlHasUserinfo: userinfo.length > 0,
		secrets: [credentials.apiKey, ...userinfo],
		target: credentials.baseUrl ? 'custom' : credentials.environment,
		credentialData,
	};
}

/**
 * The base URL without `user:password@`, as a URL parser reads it (n8n's HTTP helper parses it the same
 * way: userinfo ends at the authority's last @), and everything of the userinfo that must never be shown:
 * the text as typed, user and password alone, percent-encoded as the parser keeps them and decoded.
 */
function splitUserinfo(baseUrl: string): { display: string; userinfo: string[] } {
	const url = new URL(baseUrl);
	const parts: string[] = [];
	if (url.username !== '' || url.password !== '') {
		const authority = baseUrl.slice(baseUrl.indexOf(':') + 1).replace(/^[/\\]+/, '').split(/[/\\?#]/)[0];
		const typed = authority.slice(0, authority.lastIndexOf('@'));
		const colon = typed.indexOf(':');
		parts.push(typed, url.username, url.password);
		if (colon >= 0) parts.push(typed.slice(0, colon), typed.slice(colon + 1));
	}
	const decoded = parts.map((part) => {
		try {
			return decodeURIComponent(part);
		} catch {
			return part;
		}
	});
	const path = url.pathname.replace(/\/+$/, '');
	return {
		display: `${url.protocol}//${url.host}${path}`,
		userinfo: [...new Set([...parts, ...decoded])].filter((part) => part.length > 0),
	};
}
