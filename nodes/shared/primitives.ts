import { z } from 'zod/v3';

/**
 * Building blocks shared by every operation's request schema. Messages are written so that
 * `<field path> <message>` reads as a sentence a merchant can act on.
 */

const EXACT_DECIMAL = /^-?\d+(\.\d+)?$/;

function describeValue(value: unknown): string {
	if (value === null) return 'null';
	if (value === undefined) return 'nothing';
	if (typeof value === 'string') {
		const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
		return `"${shown}"`;
	}
	if (typeof value === 'number') return String(value);
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : typeof value;
}

/** A problem a check found; `path` is below the checked value (e.g. ['modelId'] inside an asset). */
export interface Problem {
	message: string;
	path?: Array<string | number>;
}

/** What a check returns: the value to use (possibly converted), or the problems found. */
type Verdict<T> = { value: T } | { problems: Problem[] };

/**
 * `inner`, then a plain function on what it accepted: the value to use (possibly converted) or the
 * problems found. The function sees the value's path, so list rules can tell which entry they look at,
 * and it does not run on a value the inner schema refused (a rule on a broken value would only add
 * noise). zod's public API only (a transform reporting through its context): the package runs on the
 * zod/v3 API of whatever zod the host n8n resolves (3.25 or 4.x), so it must not depend on zod's internals.
 */
export function checked<Inner extends z.ZodTypeAny, Output = z.output<Inner>>(
	inner: Inner,
	check: (value: z.output<Inner>, path: ReadonlyArray<string | number>) => Verdict<Output>,
): z.ZodType<Output, z.ZodTypeDef, z.input<Inner>> {
	return inner.transform((value: z.output<Inner>, ctx) => {
		const verdict = check(value, ctx.path);
		if ('value' in verdict) return verdict.value;
		for (const found of verdict.problems) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, message: found.message, path: found.path });
		}
		return z.NEVER;
	});
}

/** The verdict for one problem with the checked value itself. */
export const problem = (message: string): Verdict<never> => ({ problems: [{ message }] });

type NumberRule = { min?: number; exclusiveMin?: boolean; integer?: boolean };

/** The sentence for a value that is not a number of the kind asked for (undefined when it is one). */
function numberProblem(value: unknown, parsed: number | undefined, opts: NumberRule): string | undefined {
	if (value === undefined || value === null || value === '') return 'is required';
	if (parsed === undefined || !Number.isFinite(parsed)) {
		return `must be a number such as 799.90 (got ${describeValue(value)})`;
	}
	if (opts.integer && !Number.isInteger(parsed)) return `must be a whole number (got ${describeValue(value)})`;
	if (opts.min !== undefined && (opts.exclusiveMin ? parsed <= opts.min : parsed < opts.min)) {
		return `must be ${opts.exclusiveMin ? 'greater than' : 'at least'} ${opts.min} (got ${describeValue(value)})`;
	}
	return undefined;
}

/**
 * A number, also when an earlier node hands it over as an exact decimal string ("799.90").
 * Anything that is not exactly a decimal number ("799,90", "1e3", "12abc", NaN, Infinity) is refused
 * rather than guessed at. Built from zod checks and error maps only, no refine/transform: zod runs
 * those as ZodEffects, a cost per value (BENCHMARKS.md), and a request holds several numbers.
 */
export function exactNumber(opts: NumberRule = {}) {
	const asGiven: z.ZodErrorMap = (_issue, ctx) => ({
		message: numberProblem(ctx.data, typeof ctx.data === 'number' ? ctx.data : undefined, opts) ?? ctx.defaultError,
	});
	// In the text branch zod reports the converted number: show it as the text it came from.
	const asText: z.ZodErrorMap = (_issue, ctx) => ({
		message: numberProblem(String(ctx.data), Number(ctx.data), opts) ?? ctx.defaultError,
	});
	const rules = (schema: z.ZodNumber) => {
		let out = schema.finite();
		if (opts.integer) out = out.int();
		if (opts.min !== undefined) out = opts.exclusiveMin ? out.gt(opts.min) : out.gte(opts.min);
		return out;
	};
	const decimalText = z
		.string({ errorMap: asGiven })
		.trim()
		.regex(EXACT_DECIMAL)
		.pipe(rules(z.coerce.number({ errorMap: asText })));
	return z.union([rules(z.number({ errorMap: asGiven })), decimalText], { errorMap: asGiven });
}

/** A non-negative amount of money in the request currency. */
export const amount = () => exactNumber({ min: 0 });

/** A string that must carry content once its field is sent. */
export const requiredText = (missing?: string) =>
	z
		.string({
			required_error: missing ?? 'is required',
			invalid_type_error: 'must be text',
		})
		.trim()
		.min(1, { message: missing ?? 'must not be empty' });

/** A product code, given in the node or as the credential's Default Product Code. */
export const PRODUCT_CODE_MISSING =
	'is required: fill in Product Code, or set Default Product Code in the Inbank API credential';

export const optionalText = () => z.string({ invalid_type_error: 'must be text' }).trim();

/** An absolute http(s) URL that a URL parser accepts (no spaces, a host). */
export function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && !/\s/.test(value);
	} catch {
		return false;
	}
}

const HTTP_URL_MESSAGE = 'must be an http(s) URL such as https://shop.example.com/return';

/** isHttpUrl as zod checks (a URL parser, then the scheme and no spaces), no refine. */
export const httpUrl = () =>
	requiredText()
		.url({ message: HTTP_URL_MESSAGE })
		.regex(/^https?:\/\/\S+$/i, { message: HTTP_URL_MESSAGE });

export const jsonObject = () =>
	z.record(z.string(), z.unknown(), {
		invalid_type_error: 'must be a JSON object such as {"key": "value"}',
	});

/** Turns a zod issue path into the field path users see: rentalApplicationData.assets[0].modelId */
export function formatPath(path: Array<string | number>): string {
	let out = '';
	for (const part of path) {
		if (typeof part === 'number') out += `[${part}]`;
		else out += out ? `.${part}` : part;
	}
	return out || 'request body';
}

/** What is wrong with one zod issue's field, as the part of the sentence after the field's name. */
function issueText(issue: z.ZodIssue): string {
	switch (issue.code) {
		case z.ZodIssueCode.invalid_type:
			if (issue.received === 'undefined') return 'is required';
			if (issue.message && issue.message !== 'Required' && !issue.message.startsWith('Expected')) {
				// Messages that already show the value (numbers, via their error map) need no type after them.
				return issue.message.includes('(got ') ? issue.message : `${issue.message} (got ${issue.received})`;
			}
			return `must be ${article(issue.expected)} (got ${issue.received})`;
		case z.ZodIssueCode.unrecognized_keys:
			return `has unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
		case z.ZodIssueCode.invalid_enum_value:
			if (!issue.message.startsWith('Invalid enum value')) return issue.message;
			return `must be one of ${issue.options.join(', ')} (got ${describeValue(issue.received)})`;
		case z.ZodIssueCode.invalid_literal:
			return `must be ${String(issue.expected)} (got ${describeValue(issue.received)})`;
		default:
			return issue.message;
	}
}

/**
 * One line for a field: "Assets → Asset Type (rentalApplicationData.assets[0].type): must be …" when
 * the form's name of the field is known, else "rentalApplicationData.assets[0].type must be …".
 */
export function describeProblem(
	path: Array<string | number>,
	text: string,
	label?: (path: Array<string | number>) => string | undefined,
): string {
	const apiPath = formatPath(path);
	const name = label?.(path);
	return name ? `${name} (${apiPath}): ${text}` : `${apiPath} ${text}`;
}

/** One sentence per field: the first problem found for a path hides follow-on ones for the same path. */
export function formatIssues(
	issues: z.ZodIssue[],
	label?: (path: Array<string | number>) => string | undefined,
): string[] {
	const seen = new Set<string>();
	const out: string[] = [];
	for (const issue of issues) {
		const key = formatPath(issue.path);
		if (seen.has(key)) continue;
		seen.add(key);
		out.push(describeProblem(issue.path, issueText(issue), label));
	}
	return out;
}

function article(expected: string): string {
	if (expected === 'object') return 'an object';
	if (expected === 'array') return 'a list';
	return `a ${expected}`;
}

