import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { InbankApi } from '../../credentials/InbankApi.credentials';
import { n8nHttpRequestWithAuthentication } from './engine';
import { FakeProcessedData } from './processed-data';

export { FakeProcessedData };

/**
 * An IExecuteFunctions that behaves as n8n's does for what this package uses: parameters with the
 * defaults n8n itself fills in (NodeHelpers.getNodeParameters), credentials, Continue On Fail, and
 * httpRequestWithAuthentication as n8n-core's own helper (the credential's `authenticate`, then n8n's HTTP
 * client): a real HTTP request, with n8n's redirect, timeout and error handling. The whole engine is
 * exercised by engine.js / test/unit/InbankSmartRent/engine.test.ts and by the real-n8n tests (test/e2e).
 */
export interface FakeRun {
	context: IExecuteFunctions;
	logs: string[];
	httpCalls: IHttpRequestOptions[];
}

export function fakeExecuteContext(opts: {
	nodeType: INodeType;
	/** One parameter set per input item, standing in for expressions resolved per item. */
	parameters: INodeParameters | INodeParameters[];
	items?: INodeExecutionData[];
	credentials: ICredentialDataDecryptedObject;
	continueOnFail?: boolean;
	/** Answers in place of a server (no HTTP sent), as n8n's helper returns a full response. */
	respond?: (options: IHttpRequestOptions) => { statusCode: number; body?: string; headers?: IDataObject };
}): FakeRun {
	const perItem = Array.isArray(opts.parameters) ? opts.parameters : [opts.parameters];
	const items = opts.items ?? perItem.map((_, index) => ({ json: { index } }));
	const description = opts.nodeType.description;
	const node: INode = {
		id: 'node-under-test',
		name: 'Inbank Smart Rent',
		type: `n8n-nodes-inbank.${description.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: asStoredInWorkflow(perItem),
		credentials: { inbankApi: { id: '1', name: 'Inbank' } },
	};
	const resolved = perItem.map(
		(parameters) =>
			NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node, description) ??
			{},
	);
	const logs: string[] = [];
	const httpCalls: IHttpRequestOptions[] = [];
	const log = (level: string) => (message: string, meta?: object) =>
		logs.push(`${level} ${message} ${meta ? JSON.stringify(meta) : ''}`);
	const credentialType = new InbankApi();

	const context = {
		getInputData: () => items,
		getNode: () => node,
		continueOnFail: () => Boolean(opts.continueOnFail),
		getNodeParameter(name: string, itemIndex: number, fallback?: unknown) {
			const values = resolved[Math.min(itemIndex, resolved.length - 1)];
			const value = (values as IDataObject)[name];
			if (value === undefined) {
				if (fallback !== undefined) return fallback;
				throw new Error(`Could not get parameter "${name}"`);
			}
			return value;
		},
		getCredentials: async () => ({ ...opts.credentials }),
		getTimezone: () => 'UTC',
		logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
		helpers: {
			async httpRequestWithAuthentication(type: string, options: IHttpRequestOptions) {
				if (type !== credentialType.name) throw new Error(`unexpected credential type ${type}`);
				httpCalls.push(options);
				if (opts.respond) {
					// As n8n does: the credential type's authenticate function adds the bearer header.
					return { headers: {}, ...opts.respond(await credentialType.authenticate(opts.credentials, options)) };
				}
				return await sendLikeN8n(options, node, opts.credentials);
			},
		},
	};
	return { context: context as unknown as IExecuteFunctions, logs, httpCalls };
}

/**
 * Sends the request through n8n-core's real HTTP helper (test/support/engine.js): n8n's redirect,
 * timeout, userinfo and error handling, not an imitation of them.
 */
async function sendLikeN8n(options: IHttpRequestOptions, node: INode, credentials: ICredentialDataDecryptedObject) {
	return await n8nHttpRequestWithAuthentication(node, new InbankApi(), credentials, options);
}

export interface FakeWebhookRun {
	context: IWebhookFunctions;
	/** How often the node asked n8n for the credential. */
	credentialReads: () => number;
	logs: string[];
	response: { statusCode?: number; body?: unknown };
	staticData: IDataObject;
}

/**
 * An IWebhookFunctions for the trigger: the request n8n would hand over (method, headers, parsed
 * body, query, raw body), the node's parameters with n8n's defaults, workflow static data that the
 * caller may keep between calls (as n8n's database does), and the same HTTP helper as above.
 */
export function fakeWebhookContext(opts: {
	nodeType: INodeType;
	parameters: INodeParameters;
	credentials: ICredentialDataDecryptedObject;
	request: { method?: string; headers?: Record<string, string>; body?: unknown; query?: IDataObject; rawBody?: string };
	staticData?: IDataObject;
	mode?: 'webhook' | 'manual';
	workflowId?: string;
}): FakeWebhookRun {
	const description = opts.nodeType.description;
	const { node, parameters, logs, log } = triggerUnderTest(description.name, opts);
	const response: FakeWebhookRun['response'] = {};
	const res = {
		status(code: number) {
			response.statusCode = code;
			return res;
		},
		json(body: unknown) {
			response.body = body;
			return res;
		},
		send(body: unknown) {
			response.body = body;
			return res;
		},
		end() {
			return res;
		},
	};
	const staticData = opts.staticData ?? {};
	const credentialType = new InbankApi();
	const rawBody = opts.request.rawBody ?? (opts.request.body === undefined ? '' : JSON.stringify(opts.request.body));
	let credentialReads = 0;
	const context = {
		getNode: () => node,
		getWorkflow: () => ({ id: opts.workflowId ?? 'wf-1', name: 'test', active: true }),
		getMode: () => opts.mode ?? 'webhook',
		getWebhookName: () => 'default',
		getRequestObject: () => ({
			method: opts.request.method ?? 'POST',
			headers: opts.request.headers ?? { 'content-type': 'application/json' },
			rawBody: Buffer.from(rawBody),
		}),
		getResponseObject: () => res,
		getBodyData: () => (opts.request.body ?? {}) as IDataObject,
		getQueryData: () => opts.request.query ?? {},
		getHeaderData: () => opts.request.headers ?? {},
		getNodeParameter(name: string, fallback?: unknown) {
			const value = parameters[name];
			return value === undefined ? fallback : value;
		},
		getWorkflowStaticData: () => staticData,
		getCredentials: async () => {
			credentialReads++;
			return { ...opts.credentials };
		},
		logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
		helpers: {
			async httpRequestWithAuthentication(type: string, options: IHttpRequestOptions) {
				if (type !== credentialType.name) throw new Error(`unexpected credential type ${type}`);
				return await sendLikeN8n(options, node, opts.credentials);
			},
		},
	};
	return { context: context as unknown as IWebhookFunctions, credentialReads: () => credentialReads, logs, response, staticData };
}

const resolvedCache = new Map<string, IDataObject>();

/** n8n's default filling, memoised: fuzzing calls it thousands of times with the same parameters. */
function resolvedParameters(nodeType: INodeType, parameters: INodeParameters, node: INode): IDataObject {
	const key = `${nodeType.description.name}:${JSON.stringify(parameters)}`;
	let resolved = resolvedCache.get(key);
	if (!resolved) {
		const description = nodeType.description;
		resolved = (NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node, description) ?? {}) as IDataObject;
		resolvedCache.set(key, resolved);
	}
	return resolved;
}

/**
 * The node's parameters as a workflow stores them: a parameter whose value differs between items can
 * only be an expression in a real workflow, so it is stored as one here.
 */
function asStoredInWorkflow(perItem: INodeParameters[]): INodeParameters {
	const stored: INodeParameters = { ...perItem[0] };
	const names = new Set(perItem.flatMap((parameters) => Object.keys(parameters)));
	for (const name of names) {
		const values = perItem.map((parameters) => JSON.stringify(parameters[name]));
		if (new Set(values).size > 1) stored[name] = `={{ $json.${name} }}`;
	}
	return stored;
}

/**
 * The IExecuteFunctions n8n gives the trigger's execute() step: the items its webhook emitted as
 * input, the same node (id, parameters with n8n's defaults), the execution's static data and
 * n8n's processed-data helpers (`processedData: 'missing'` for an n8n without them).
 */
export function fakeTriggerExecuteContext(opts: {
	nodeType: INodeType;
	parameters: INodeParameters;
	items: INodeExecutionData[];
	processedData: FakeProcessedData | 'missing';
	staticData?: IDataObject;
	mode?: 'webhook' | 'manual' | 'retry';
	workflowId?: string;
}): { context: IExecuteFunctions; logs: string[]; staticData: IDataObject } {
	const description = opts.nodeType.description;
	const workflowId = opts.workflowId ?? 'wf-1';
	const { node, parameters, logs, log } = triggerUnderTest(description.name, opts);
	const staticData = opts.staticData ?? {};
	const context = {
		getInputData: () => opts.items,
		getNode: () => node,
		getMode: () => opts.mode ?? 'webhook',
		getWorkflow: () => ({ id: workflowId, name: 'test', active: true }),
		getNodeParameter(name: string, _itemIndex: number, fallback?: unknown) {
			const value = parameters[name];
			return value === undefined ? fallback : value;
		},
		getWorkflowStaticData: () => staticData,
		continueOnFail: () => false,
		logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
		helpers: opts.processedData === 'missing' ? {} : opts.processedData.helpers(workflowId, node.id),
	};
	return { context: context as unknown as IExecuteFunctions, logs, staticData };
}

/** The trigger node both fakes run (the webhook call and the execute() step), its resolved parameters and a log. */
function triggerUnderTest(
	typeName: string,
	opts: { nodeType: INodeType; parameters: INodeParameters },
) {
	const node: INode = {
		id: 'trigger-under-test',
		name: 'Inbank Smart Rent Trigger',
		type: `n8n-nodes-inbank.${typeName}`,
		typeVersion: opts.nodeType.description.version as number,
		position: [0, 0],
		parameters: opts.parameters,
		credentials: { inbankApi: { id: '1', name: 'Inbank' } },
		webhookId: 'b1f8d1f4-0000-4000-8000-000000000001',
	};
	const parameters = resolvedParameters(opts.nodeType, opts.parameters, node);
	const logs: string[] = [];
	const log = (level: string) => (message: string, meta?: object) =>
		logs.push(`${level} ${message} ${meta ? JSON.stringify(meta) : ''}`);
	return { node, parameters, logs, log };
}
