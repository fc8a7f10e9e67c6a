import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod/v3';

import { describeProblem, formatIssues, type Problem } from '../../../shared/primitives';
import {
	getInbankConnection,
	inbankApiRequest,
	type InbankConnection,
	type InbankRequest,
} from '../../../shared/transport';
import { readRetryPolicy, readTimeoutMs } from './options';
import type { FieldLabeler } from './labels';
import { ValidationFailure } from './validation';

/**
 * What one operation is: how it reads its input from the node, the zod schema that validates it,
 * the request it makes, and the item it outputs. executeOperation does the rest the same way for
 * every operation: validate before sending, name the field, map API failures, pair the item.
 */
/** Inbank's answer as output() gets it: the body parsed by the operation's response schema, if it has one. */
export interface InbankAnswer<Body> {
	body: Body;
	statusCode: number;
}

interface InbankOperation<Input, Answer> {
	/** Used in "Invalid <subject>: …" messages. */
	subject: string;
	schema: z.ZodType<Input, z.ZodTypeDef, unknown>;
	read(this: IExecuteFunctions, itemIndex: number, connection: InbankConnection): unknown;
	/**
	 * The form's name of a field, for errors in the form's words; undefined when the input is not the
	 * form (JSON mode), where the API path is what the user typed.
	 */
	labels?(this: IExecuteFunctions, itemIndex: number): FieldLabeler | undefined;
	/** Rules that need the credential (e.g. the shop's country), each with the path of its field. */
	check?(input: Input, connection: InbankConnection): Array<Required<Problem>>;
	request(input: Input, connection: InbankConnection): Omit<InbankRequest, 'timeoutMs'>;
	/** Validates the fields this package reads from Inbank's answer; output() gets what it parsed. */
	response?: z.ZodType<Answer, z.ZodTypeDef, unknown>;
	output(input: Input, answer: InbankAnswer<Answer>, connection: InbankConnection): IDataObject;
}

export function executeOperation<Input, Answer = unknown>(operation: InbankOperation<Input, Answer>) {
	return async function (this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
		const connection = await getInbankConnection.call(this, itemIndex);
		const refuse = (problems: string[]) =>
			new NodeOperationError(this.getNode(), `Invalid ${operation.subject}: ${problems[0]}`, {
				description: problemList(problems),
				itemIndex,
			});

		let raw: unknown;
		try {
			raw = operation.read.call(itemParameters(this), itemIndex, connection);
		} catch (error) {
			if (error instanceof ValidationFailure) throw refuse(error.problems);
			// Anything else, e.g. an expression n8n could not resolve; an n8n error comes back unchanged.
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		}
		const parsed = operation.schema.safeParse(raw);
		const label = () => operation.labels?.call(itemParameters(this), itemIndex);
		if (!parsed.success) throw refuse(formatIssues(parsed.error.issues, label()));
		const input = parsed.data;
		const problems = operation.check?.(input, connection) ?? [];
		if (problems.length > 0) {
			const labels = label();
			throw refuse(problems.map((found) => describeProblem(found.path, found.message, labels)));
		}

		const response = await inbankApiRequest.call(
			this,
			connection,
			{ ...operation.request(input, connection), timeoutMs: readTimeoutMs.call(itemParameters(this), itemIndex) },
			itemIndex,
			readRetryPolicy.call(itemParameters(this), itemIndex),
		);
		let body = response.body as Answer;
		if (operation.response) {
			const answer = operation.response.safeParse(response.body);
			if (!answer.success) {
				throw new NodeApiError(
					this.getNode(),
					{ httpCode: String(response.statusCode) },
					{
						message: `Inbank answered HTTP ${response.statusCode} without the expected fields: ${formatIssues(answer.error.issues).join('; ')}`,
						httpCode: String(response.statusCode),
						itemIndex,
					},
				);
			}
			body = answer.data;
		}
		const answer = { body, statusCode: response.statusCode };
		return [{ json: operation.output(input, answer, connection), pairedItem: { item: itemIndex } }];
	};
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * The error's description: n8n's editor renders it as (sanitized) HTML, where line breaks collapse, and
 * styles a list in it; one problem per list entry, one entry per line for readers of the raw text.
 * Problems quote user input, hence escaped.
 */
export function problemList(problems: string[]): string {
	const items = problems.map((found) => `<li>${found.replace(/[&<>]/g, (c) => HTML_ESCAPES[c])}</li>`);
	return `No request was sent to Inbank.\n<ul>\n${items.join('\n')}\n</ul>`;
}

const readers = new WeakMap<IExecuteFunctions, IExecuteFunctions>();

function containsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(containsExpression);
	if (value && typeof value === 'object') return Object.values(value).some(containsExpression);
	return false;
}

/**
 * The execution context with getNodeParameter resolved once per run for parameters that hold no
 * expression (n8n resolves them to the same value for every item); parameters with expressions are
 * resolved per item as usual. n8n's parameter resolution is the main per-item cost of a many-item run
 * (BENCHMARKS.md). n8n's answer also depends on the fallback (for a parameter that is not shown) and on
 * the options (ensureType, …), so those are part of the key. The engine tests prove the answers equal to
 * n8n's own through its real WorkflowExecute (docs/n8n-behaviours.md).
 */
export function itemParameters(context: IExecuteFunctions): IExecuteFunctions {
	let reader = readers.get(context);
	if (reader) return reader;
	const raw = context.getNode().parameters;
	const constant = new Map<string, unknown>();
	const getNodeParameter = ((name: string, itemIndex: number, fallback?: unknown, options?: object) => {
		if (containsExpression(raw[name])) return context.getNodeParameter(name, itemIndex, fallback, options);
		const key =
			fallback === undefined && options === undefined
				? name
				: `${name}\u0000${JSON.stringify(fallback) ?? ''}\u0000${JSON.stringify(options) ?? ''}`;
		if (!constant.has(key)) constant.set(key, context.getNodeParameter(name, 0, fallback, options));
		return constant.get(key);
	}) as IExecuteFunctions['getNodeParameter'];
	reader = Object.create(context, { getNodeParameter: { value: getNodeParameter } }) as IExecuteFunctions;
	readers.set(context, reader);
	return reader;
}

/** The item for actions Inbank answers with 204 No Content. */
export function actionDone(action: string, contractUuid: string, response: InbankAnswer<unknown>): IDataObject {
	return {
		success: true,
		action,
		contractUuid,
		httpCode: response.statusCode,
		...(response.body && typeof response.body === 'object' ? { response: response.body as IDataObject } : {}),
	};
}
