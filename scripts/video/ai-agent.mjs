// The video's AI-agent scene without a model account: n8n's AI Agent with its OpenAI Chat Model pointed at a
// local stand-in that speaks OpenAI's chat-completions protocol. The stand-in decides nothing: it asks for
// one call of the first tool it is offered (the Inbank Smart Rent node as a tool), then answers with what
// the tool returned. Everything between, n8n's agent running the tool and the node calling the sandbox, is
// real. A real model (any OpenAI-compatible one) goes in the same place.
import { createServer } from 'node:http';

export const EAN = '0195949036965';
const MODEL = 'local-stand-in';
export const AI_WORKFLOW_ID = 'videoAiAgent001';
const MODEL_CREDENTIAL = { id: 'videoModel00001', name: 'Local stand-in model (no account)' };
export const AI_NODES = { start: 'When clicking ‘Execute workflow’', agent: 'AI Agent', model: 'OpenAI Chat Model', tool: 'Inbank Smart Rent' };

/** The tool's arguments: the EAN for every parameter the tool's schema asks for. */
function argumentsFor(parameters) {
	return Object.fromEntries(Object.keys(parameters?.properties ?? {}).map((name) => [name, EAN]));
}

/** The final answer, from the tool's result (the node's output item as JSON text). */
function answerFrom(content) {
	let item;
	try {
		const parsed = JSON.parse(typeof content === 'string' ? content : JSON.stringify(content));
		item = Array.isArray(parsed) ? parsed[0] : parsed;
		if (typeof item === 'string') item = JSON.parse(item);
	} catch {
		item = undefined;
	}
	if (!item?.modelId) return `The Inbank Smart Rent tool answered: ${String(content).slice(0, 300)}`;
	const periods = item.periods ?? item.allowedPeriods;
	return `EAN ${EAN} is ${item.name ?? item.modelName ?? 'a device'} (model ID ${item.modelId})${Array.isArray(periods) ? `, rentable for ${periods.join(', ')} months` : ''}: Inbank Smart Rent applies.`;
}

export async function startStandInModel() {
	const requests = [];
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			const send = (status, value) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(value));
			};
			if (req.method === 'GET' && req.url.endsWith('/models')) {
				send(200, { object: 'list', data: [{ id: MODEL, object: 'model', created: 0, owned_by: 'local' }] });
				return;
			}
			if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
				send(404, { error: { message: 'not found' } });
				return;
			}
			const request = JSON.parse(body || '{}');
			requests.push(request);
			const toolResult = (request.messages ?? []).find((message) => message.role === 'tool');
			const tool = request.tools?.[0]?.function;
			const message =
				toolResult || !tool
					? { role: 'assistant', content: answerFrom(toolResult?.content) }
					: {
							role: 'assistant',
							content: null,
							tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: tool.name, arguments: JSON.stringify(argumentsFor(tool.parameters)) } }],
						};
			const finish = message.tool_calls ? 'tool_calls' : 'stop';
			const base = { id: `chatcmpl-${requests.length}`, created: Math.floor(Date.now() / 1000), model: request.model ?? MODEL };
			if (request.stream) {
				res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
				const chunk = (choice) => res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, ...choice }] })}\n\n`);
				chunk({ delta: message, finish_reason: null });
				chunk({ delta: {}, finish_reason: finish });
				res.end('data: [DONE]\n\n');
				return;
			}
			send(200, { ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${server.address().port}/v1`;
	return { url, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** The OpenAI credential pointed at the stand-in, and Manual Trigger → AI Agent with the model and the tool. */
export function aiAgentSetup({ modelUrl, packageName, inbankCredential, productCode }) {
	const credentials = [{ ...MODEL_CREDENTIAL, type: 'openAiApi', data: { apiKey: 'no-account-needed', url: modelUrl } }];
	const nodes = [
		{ id: 'ai-start', name: AI_NODES.start, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'ai-agent',
			name: AI_NODES.agent,
			type: '@n8n/n8n-nodes-langchain.agent',
			typeVersion: 3.1,
			position: [260, 0],
			parameters: { promptType: 'define', text: `A customer asks whether the phone with EAN ${EAN} can be rented. Look it up.`, options: {} },
		},
		{
			id: 'ai-model',
			name: AI_NODES.model,
			type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
			typeVersion: 1.3,
			position: [180, 240],
			parameters: { model: { __rl: true, value: MODEL, mode: 'id' }, responsesApiEnabled: false, options: {} },
			credentials: { openAiApi: MODEL_CREDENTIAL },
		},
		{
			id: 'ai-tool',
			name: AI_NODES.tool,
			type: `${packageName}.inbankSmartRentTool`,
			typeVersion: 1,
			position: [420, 240],
			parameters: {
				resource: 'rentalProduct',
				operation: 'getAssetConditions',
				productCode,
				identifierType: 'EAN',
				identifier: "={{ $fromAI('ean', 'The EAN (barcode number) of the device the customer asks about', 'string') }}",
			},
			credentials: { inbankApi: inbankCredential },
		},
	];
	const connections = {
		[AI_NODES.start]: { main: [[{ node: AI_NODES.agent, type: 'main', index: 0 }]] },
		[AI_NODES.model]: { ai_languageModel: [[{ node: AI_NODES.agent, type: 'ai_languageModel', index: 0 }]] },
		[AI_NODES.tool]: { ai_tool: [[{ node: AI_NODES.agent, type: 'ai_tool', index: 0 }]] },
	};
	return { credentials, workflows: [{ id: AI_WORKFLOW_ID, name: 'Inbank Smart Rent as an AI agent’s tool', active: false, settings: { executionOrder: 'v1' }, nodes, connections }] };
}
