import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { InbankSmartRent } from '../../nodes/InbankSmartRent/InbankSmartRent.node';
import { fakeExecuteContext } from './fake-context';
import { credentials } from './fixtures';

const node = new InbankSmartRent();
const CREATED = JSON.stringify({
	uuid: '5e3a459a-aada-4d81-b6ad-09cb9483c8bf',
	status: 'pending',
	redirectUrl: 'https://demo-epos.inbank.ee/session/5e3a459a-aada-4d81-b6ad-09cb9483c8bf',
});

/** What Create POS session did with one item: the body it sent, or the problems it refused it for. */
export type CreateOutcome =
	| { body: IDataObject; problems?: undefined; crash?: undefined }
	| { body?: undefined; problems: string[]; crash?: undefined }
	/** Anything else: an error that is not a refusal, or a refusal after a request was sent. */
	| { body?: undefined; problems?: undefined; crash: unknown };

/**
 * Runs Create POS session through the node's execute (parameters with n8n's defaults, validation,
 * body building, the request) against an in-memory answer, and reports the body sent or the problems
 * listed in the error (the <li> entries of its description, unescaped).
 */
export async function createThroughExecute(parameters: INodeParameters, country = 'ee'): Promise<CreateOutcome> {
	const fake = fakeExecuteContext({
		nodeType: node,
		parameters: { resource: 'posSession', operation: 'create', ...parameters },
		credentials: credentials('http://127.0.0.1:9', { country }),
		respond: () => ({ statusCode: 201, body: CREATED }),
	});
	let caught: unknown;
	try {
		await node.execute.call(fake.context);
	} catch (error) {
		caught = error;
	}
	if (caught === undefined) return { body: fake.httpCalls[0].body as IDataObject };
	if (!(caught instanceof NodeOperationError) || fake.httpCalls.length > 0) return { crash: caught };
	return { problems: problemsOf(caught.description) };
}

/** The problems of a refusal: one <li> per problem in the description (HTML, as n8n's editor renders it). */
export function problemsOf(description: unknown): string[] {
	const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"' };
	return [...String(description ?? '').matchAll(/<li>([\s\S]*?)<\/li>/g)].map((match) =>
		match[1].replace(/&(amp|lt|gt|quot);/g, (entity) => entities[entity]),
	);
}

/** The JSON mode: the body as the Request Body (JSON) parameter. */
export async function createFromJson(body: unknown, country = 'ee'): Promise<CreateOutcome> {
	return await createThroughExecute({ inputMode: 'json', requestBody: JSON.stringify(body) }, country);
}
