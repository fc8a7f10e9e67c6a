import type { ICredentialDataDecryptedObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import { formatIssues, isHttpUrl } from '../contract/primitives';
import { COUNTRIES, ENVIRONMENTS, resolveBaseUrl } from './hosts';

export const CREDENTIAL_TYPE = 'inbankApi';

const credentialSchema = z.object({
	apiKey: z.string({ required_error: 'is required' }).trim().min(1, { message: 'must not be empty' }),
	environment: z.enum(ENVIRONMENTS),
	country: z.enum(COUNTRIES),
	shopUuid: z.string({ required_error: 'is required' }).trim().min(1, { message: 'must not be empty' }),
	baseUrl: z
		.string()
		.trim()
		.refine((value) => value === '' || isHttpUrl(value), {
			message: 'must be empty or an http(s) URL such as http://127.0.0.1:4010',
		})
		.optional(),
});

export interface InbankConnection {
	apiKey: string;
	shopUuid: string;
	environment: 'demo' | 'production';
	country: string;
	baseUrl: string;
	/** 'custom' when the credential's base URL replaced the Inbank host. */
	target: 'demo' | 'production' | 'custom';
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
	return {
		apiKey: credentials.apiKey,
		shopUuid: credentials.shopUuid,
		environment: credentials.environment,
		country: credentials.country,
		baseUrl: resolveBaseUrl(credentials),
		target: credentials.baseUrl ? 'custom' : credentials.environment,
		credentialData,
	};
}
