'use strict';
// A small harness that runs nodes of this package through n8n-core's real execution engine (WorkflowExecute),
// as n8n's own NodeTestHarness (packages/core/nodes-testing) does: a Workflow built from node JSON, n8n's
// parameter resolution and expressions, the real execute-function context and n8n's HTTP helper with the
// credential's authenticate function. Plain JavaScript, so that the bench scripts can use it too.
// n8n-core is a devDependency only; nothing here ships.
const { mkdirSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

// n8n-core's instance settings read these once: keep them away from the user's ~/.n8n.
// One fixed folder (jest workers end without 'exit' handlers, so per-process folders would pile up).
if (!process.env.N8N_USER_FOLDER) {
	const folder = join(tmpdir(), 'inbank-engine-harness');
	mkdirSync(folder, { recursive: true });
	process.env.N8N_USER_FOLDER = folder;
}
process.env.N8N_ENCRYPTION_KEY ??= 'engine-harness-only';

const { ExecutionLifecycleHooks, WorkflowExecute } = require('n8n-core');
// n8n-core's own helpers.httpRequestWithAuthentication (not exported from its index): the credential's
// authenticate, n8n's HTTP client with its redirect, timeout and URL handling, n8n's error wrapping.
const { httpRequestWithAuthentication } = require('n8n-core/dist/execution-engine/node-execution-context/utils/request-helpers/authentication');
const { ICredentialsHelper, Workflow } = require('n8n-workflow');

class CredentialsHelper extends ICredentialsHelper {
	/** @param {Record<string, object>} credentials data per credential type; @param {object[]} types credential type instances */
	constructor(credentials, types) {
		super();
		this.credentials = credentials;
		this.types = new Map(types.map((type) => [type.name, type]));
	}
	getParentTypes() {
		return [];
	}
	async authenticate(credentials, typeName, requestOptions) {
		const type = this.types.get(typeName);
		return typeof type?.authenticate === 'function' ? await type.authenticate(credentials, requestOptions) : requestOptions;
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	getCredentialsProperties(type) {
		return this.types.get(type)?.properties ?? [];
	}
	async getDecrypted(_additionalData, _nodeCredentials, type) {
		return { ...(this.credentials[type] ?? {}) };
	}
	async getCredentials() {
		throw new Error('not used by this package');
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	getOAuth2Options() {
		return undefined;
	}
	isCredentialUsableByNode() {
		return true;
	}
}

function nodeTypesOf(nodeTypes) {
	const byName = new Map(Object.entries(nodeTypes));
	const get = (name) => {
		const type = byName.get(name);
		if (!type) throw new Error(`unknown node type ${name}`);
		return type;
	};
	return {
		getByName: get,
		getByNameAndVersion: (name) => get(name),
		getKnownTypes: () => ({}),
	};
}

/**
 * Runs `nodes` (the first one receives `items`) and resolves with n8n's run data.
 * @param {{ nodes: object[], connections?: object, nodeTypes: Record<string, object>, credentialTypes?: object[],
 *   credentials?: Record<string, object>, items?: Array<{ json: object }>, mode?: string }} opts
 */
async function runWorkflow(opts) {
	const workflow = new Workflow({
		id: 'engine-test',
		name: 'engine test',
		nodes: opts.nodes,
		connections: opts.connections ?? {},
		nodeTypes: nodeTypesOf(opts.nodeTypes),
		active: false,
		settings: {},
	});
	const hooks = new ExecutionLifecycleHooks(opts.mode ?? 'manual', 'engine-1', { id: 'engine-test', nodes: opts.nodes, connections: opts.connections ?? {} });
	let resolveRun;
	const finished = new Promise((resolve) => (resolveRun = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveRun(run));
	const additionalData = {
		hooks,
		credentialsHelper: new CredentialsHelper(opts.credentials ?? {}, opts.credentialTypes ?? []),
		executionId: 'engine-1',
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'engine-user',
		variables: {},
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('no task runner in the engine harness');
		},
	};
	const start = workflow.getNode(opts.nodes[0].name);
	const runExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node: start, data: { main: [opts.items ?? [{ json: {} }]] }, source: null }],
		},
	};
	const execute = new WorkflowExecute(additionalData, opts.mode ?? 'manual', runExecutionData);
	await execute.processRunExecutionData(workflow);
	return await finished;
}

/** The output items of a node in a run, or its error. */
function resultOf(run, nodeName) {
	const task = run.data.resultData.runData[nodeName]?.[0];
	return { items: task?.data?.main?.[0] ?? [], error: task?.error ?? run.data.resultData.error };
}

/**
 * One request through n8n-core's real httpRequestWithAuthentication, outside a workflow run: for the
 * test contexts (fake-context.ts) that stand in for n8n's execute and webhook contexts.
 * @param {object} node the INode making the request; @param {object} credentialType a credential type instance
 * @param {object} credentialData its decrypted data; @param {object} options IHttpRequestOptions
 */
async function n8nHttpRequestWithAuthentication(node, credentialType, credentialData, options) {
	const additionalData = { credentialsHelper: new CredentialsHelper({ [credentialType.name]: credentialData }, [credentialType]) };
	const context = { getNode: () => node, helpers: {} };
	return await httpRequestWithAuthentication.call(context, credentialType.name, options, undefined, node, additionalData, {
		credentialsDecrypted: { id: credentialType.name, name: credentialType.name, type: credentialType.name, data: credentialData },
	});
}

module.exports = { runWorkflow, resultOf, n8nHttpRequestWithAuthentication };
