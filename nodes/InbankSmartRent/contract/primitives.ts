import { z } from 'zod';

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
export type Verdict<T> = { value: T } | { problems: Problem[] };

interface ZodCheckedDef<Inner extends z.ZodTypeAny, Output> extends z.ZodTypeDef {
	inner: Inner;
	check: (value: z.output<Inner>, path: ReadonlyArray<string | number>) => Verdict<Output>;
}

/**
 * A zod type that runs a plain function on what its inner schema accepted: the job of zod's
 * refine / transform / superRefine, without their cost. zod v3 runs those as ZodEffects, measured at
 * 4–5 µs per value (more than a whole object of plain fields), and a create request holds ten of
 * them per item. The check sees the value's path, so list rules can tell which entry they look at.
 */
export class ZodChecked<Inner extends z.ZodTypeAny, Output> extends z.ZodType<
	Output,
	ZodCheckedDef<Inner, Output>,
	z.input<Inner>
> {
	_parse(input: z.ParseInput): z.ParseReturnType<Output> {
		const inner = this._def.inner._parse(input);
		if (z.isAsync(inner)) return inner.then((result) => this.finish(result, input));
		return this.finish(inner, input);
	}

	private finish(result: z.SyncParseReturnType, input: z.ParseInput): z.SyncParseReturnType<Output> {
		// The inner schema already reported what is wrong; a rule on a broken value would only add noise.
		if (result.status !== 'valid') return z.INVALID;
		const verdict = this._def.check(result.value as z.output<Inner>, input.path);
		if ('value' in verdict) return z.OK(verdict.value);
		const ctx = this._getOrReturnCtx(input);
		for (const problem of verdict.problems) {
			z.addIssueToContext(ctx, { code: z.ZodIssueCode.custom, message: problem.message, path: problem.path });
		}
		return z.INVALID;
	}
}

export function checked<Inner extends z.ZodTypeAny, Output = z.output<Inner>>(
	inner: Inner,
	check: (value: z.output<Inner>, path: ReadonlyArray<string | number>) => Verdict<Output>,
): ZodChecked<Inner, Output> {
	return new ZodChecked<Inner, Output>({ inner, check });
}

/** The verdict for one problem with the checked value itself. */
export const problem = (message: string): Verdict<never> => ({ problems: [{ message }] });

/** `inner` whose value must also pass `test`; otherwise `message` (refine, at a fraction of its cost). */
export function satisfies<Inner extends z.ZodTypeAny>(
	inner: Inner,
	test: (value: z.output<Inner>) => boolean,
	message: string,
): ZodChecked<Inner, z.output<Inner>> {
	return checked(inner, (value) => (test(value) ? { value } : problem(message)));
}

/**
 * A number, also when an earlier node hands it over as an exact decimal string ("799.90").
 * Anything that is not exactly a decimal number ("799,90", "1e3", "12abc", NaN, Infinity) is refused
 * rather than guessed at.
 */
export function exactNumber(opts: { min?: number; exclusiveMin?: boolean; integer?: boolean } = {}) {
	return checked(z.unknown(), (value): Verdict<number> => {
		if (value === undefined || value === null || value === '') return problem('is required');
		let parsed: number | undefined;
		if (typeof value === 'number') {
			parsed = value;
		} else if (typeof value === 'string' && EXACT_DECIMAL.test(value.trim())) {
			parsed = Number(value.trim());
		}
		if (parsed === undefined || !Number.isFinite(parsed)) {
			return problem(`must be a number such as 799.90 (got ${describeValue(value)})`);
		}
		if (opts.integer && !Number.isInteger(parsed)) {
			return problem(`must be a whole number (got ${describeValue(value)})`);
		}
		if (opts.min !== undefined && (opts.exclusiveMin ? parsed <= opts.min : parsed < opts.min)) {
			return problem(
				`must be ${opts.exclusiveMin ? 'greater than' : 'at least'} ${opts.min} (got ${describeValue(value)})`,
			);
		}
		return { value: parsed };
	});
}

/** A non-negative amount of money in the request currency. */
export const amount = () => exactNumber({ min: 0 });

/** A string that must carry content once its field is sent. */
export const requiredText = () =>
	z
		.string({
			required_error: 'is required',
			invalid_type_error: 'must be text',
		})
		.trim()
		.min(1, { message: 'must not be empty' });

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

export const httpUrl = () =>
	satisfies(requiredText(), isHttpUrl, 'must be an http(s) URL such as https://shop.example.com/return');

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

/** One readable sentence per zod issue, naming the field and what was expected. */
export function formatIssue(issue: z.ZodIssue): string {
	const path = formatPath(issue.path);
	switch (issue.code) {
		case z.ZodIssueCode.invalid_type:
			if (issue.received === 'undefined') return `${path} is required`;
			if (issue.message && issue.message !== 'Required' && !issue.message.startsWith('Expected')) {
				return `${path} ${issue.message} (got ${issue.received})`;
			}
			return `${path} must be ${article(issue.expected)} (got ${issue.received})`;
		case z.ZodIssueCode.unrecognized_keys:
			return `${path} has unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys
				.map((key) => `"${key}"`)
				.join(', ')}`;
		case z.ZodIssueCode.invalid_enum_value:
			if (!issue.message.startsWith('Invalid enum value')) return `${path} ${issue.message}`;
			return `${path} must be one of ${issue.options.join(', ')} (got ${describeValue(issue.received)})`;
		case z.ZodIssueCode.invalid_literal:
			return `${path} must be ${String(issue.expected)} (got ${describeValue(issue.received)})`;
		default:
			return `${path} ${issue.message}`;
	}
}

/** One sentence per field: the first problem found for a path hides follow-on ones for the same path. */
export function formatIssues(issues: z.ZodIssue[]): string[] {
	const seen = new Set<string>();
	const out: string[] = [];
	for (const issue of issues) {
		const key = formatPath(issue.path);
		if (seen.has(key)) continue;
		seen.add(key);
		out.push(formatIssue(issue));
	}
	return out;
}

function article(expected: string): string {
	if (expected === 'object') return 'an object';
	if (expected === 'array') return 'a list';
	return `a ${expected}`;
}

export { describeValue };
