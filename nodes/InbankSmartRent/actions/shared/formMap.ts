import type { IDataObject } from 'n8n-workflow';

/**
 * One operation's map between its form and Inbank's request: for every field of the request, where the
 * form holds it. Both the request built from the form (buildFromForm) and the form's name of a field in
 * an error (parameterPaths, for fieldLabeler) come from it, so the two cannot drift apart.
 *
 * Keys are the request's field names. A field's `from` is a parameter path: dotted from a node parameter
 * (`additionalFields.userIp`, `customerData.customer.email`), or, inside a list, from the list's entry.
 */

/** The node's getNodeParameter for one item: (name, fallback). */
export type FormReader = (name: string, fallback?: unknown) => unknown;

export interface FormField {
	kind: 'field';
	from: string;
	/** Fallback of a top-level parameter that may not be shown. */
	fallback?: unknown;
	/** The value to send (undefined = the field is left out); `apiPath` names it in a message. */
	convert?: (value: unknown, apiPath: string, entry: IDataObject | undefined) => unknown;
	/** Inside a list: whether this entry sends the field at all. */
	when?: (entry: IDataObject) => boolean;
}

export interface FormObject {
	kind: 'object';
	fields: FormShape;
	/** Sent only when one of these parameter paths holds something (not undefined, null or ''); else always. */
	sentWhen?: string[];
}

export interface FormList {
	kind: 'list';
	/** The fixedCollection's parameter and its group, e.g. `assets.asset`. */
	from: string;
	fields: FormShape;
	/** What an empty or missing list sends: nothing, or []. */
	whenEmpty: 'omit' | 'empty';
}

export type FormShape = { [apiField: string]: FormField | FormObject | FormList };

export const field = (from: string, opts: Omit<FormField, 'kind' | 'from'> = {}): FormField => ({
	kind: 'field',
	from,
	...opts,
});
export const object = (fields: FormShape, sentWhen?: string[]): FormObject => ({ kind: 'object', fields, sentWhen });
export const list = (from: string, fields: FormShape, whenEmpty: FormList['whenEmpty'] = 'omit'): FormList => ({
	kind: 'list',
	from,
	fields,
	whenEmpty,
});

const isGiven = (value: unknown) => value !== undefined && value !== null && value !== '';

/** Conversions the forms share. */
export const convert = {
	/** Empty text means "not sent". */
	text: (value: unknown) => (isGiven(value) ? value : undefined),
	/** A required field of a sent object: missing is sent as '' so that validation names it. */
	orEmpty: (value: unknown) => value ?? '',
};

/** Reads a parameter path below a value; undefined where a step is missing. */
function dig(value: unknown, steps: readonly string[]): unknown {
	let current = value;
	for (const step of steps) {
		if (current === undefined || current === null || typeof current !== 'object') return undefined;
		current = (current as IDataObject)[step];
	}
	return current;
}

/** The node parameters a map reads, each once per item, in a fixed order. */
class Parameters {
	readonly names: string[] = [];
	readonly fallbacks: unknown[] = [];

	indexOf(name: string, fallback: unknown): number {
		const known = this.names.indexOf(name);
		if (known >= 0) return known;
		this.names.push(name);
		this.fallbacks.push(fallback);
		return this.names.length - 1;
	}
}

/** A value of the form: from the item's node parameters, or from the list entry being built. */
type Read = (values: unknown[], entry: IDataObject | undefined) => unknown;

/** A reader of `steps` below a value; the paths of the forms are one to three steps deep, read without a loop. */
function digger(steps: readonly string[]): (value: unknown) => unknown {
	const step = (value: unknown, key: string) => (value !== null && typeof value === 'object' ? (value as IDataObject)[key] : undefined);
	const [a, b, c] = steps;
	if (steps.length === 0) return (value) => value;
	if (steps.length === 1) return (value) => step(value, a);
	if (steps.length === 2) return (value) => step(step(value, a), b);
	if (steps.length === 3) return (value) => step(step(step(value, a), b), c);
	return (value) => dig(value, steps);
}

function source(from: string, inEntry: boolean, parameters: Parameters, fallback?: unknown): Read {
	const [first, ...rest] = from.split('.');
	if (inEntry) {
		const below = digger([first, ...rest]);
		return (_values, entry) => below(entry);
	}
	// A nested path reads its top-level parameter (a collection or fixedCollection), {} when not shown.
	const index = parameters.indexOf(first, rest.length > 0 ? {} : fallback);
	if (rest.length === 0) return (values) => values[index];
	const below = digger(rest);
	return (values) => below(values[index]);
}

type Build = (values: unknown[], entry: IDataObject | undefined) => IDataObject;

/** The map turned into one function per field, once per operation (the form is read per item). */
function compile(shape: FormShape, inEntry: boolean, prefix: string, parameters: Parameters): Build {
	const keys = Object.keys(shape);
	const reads = keys.map((key): Read => {
		const spec = shape[key];
		const apiPath = prefix ? `${prefix}.${key}` : key;
		if (spec.kind === 'field') {
			const read = source(spec.from, inEntry, parameters, spec.fallback);
			const { convert: change, when } = spec;
			if (!change && !when) return read;
			return (values, entry) => {
				if (when && !when(entry ?? {})) return undefined;
				const value = read(values, entry);
				return change ? change(value, apiPath, entry) : value;
			};
		}
		if (spec.kind === 'object') {
			// Fields first: a parameter is read with the fallback its field gives.
			const build = compile(spec.fields, inEntry, apiPath, parameters);
			const presence = spec.sentWhen?.map((from) => source(from, inEntry, parameters));
			if (!presence) return build;
			return (values, entry) => (presence.some((read) => isGiven(read(values, entry))) ? build(values, entry) : undefined);
		}
		const read = source(spec.from, inEntry, parameters);
		const build = compile(spec.fields, true, `${apiPath}[]`, parameters);
		const empty = spec.whenEmpty === 'empty' ? [] : undefined;
		return (values, entry) => {
			const entries = read(values, entry);
			if (!Array.isArray(entries) || entries.length === 0) return empty;
			return (entries as IDataObject[]).map((one) => build(values, one));
		};
	});
	return (values, entry) => {
		const out: IDataObject = {};
		for (let i = 0; i < keys.length; i++) {
			const value = reads[i](values, entry);
			if (value !== undefined) out[keys[i]] = value as IDataObject[keyof IDataObject];
		}
		return out;
	};
}

/**
 * The request builder of a map: reads each node parameter the map uses once per item (a collection
 * feeds several fields) and leaves out what the form did not set.
 */
export function formBuilder(shape: FormShape): (get: FormReader) => IDataObject {
	const parameters = new Parameters();
	const build = compile(shape, false, '', parameters);
	const { names, fallbacks } = parameters;
	return (get) => {
		const values = new Array<unknown>(names.length);
		for (let i = 0; i < names.length; i++) values[i] = get(names[i], fallbacks[i]);
		return build(values, undefined);
	};
}

/**
 * Where each request field is in the form (API path, [] for a list entry → parameter path), as
 * fieldLabeler takes it. An object has no parameter of its own: its name falls back to a parameter of
 * the same name, if any.
 */
export function parameterPaths(shape: FormShape, prefix = '', entryFrom = ''): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, spec] of Object.entries(shape)) {
		const apiPath = prefix ? `${prefix}.${key}` : key;
		const formPath = (from: string) => (entryFrom ? `${entryFrom}.${from}` : from);
		if (spec.kind === 'field') out[apiPath] = formPath(spec.from);
		else if (spec.kind === 'object') Object.assign(out, parameterPaths(spec.fields, apiPath, entryFrom));
		else {
			const [parameter] = formPath(spec.from).split('.');
			out[apiPath] = parameter;
			out[`${apiPath}[]`] = parameter;
			Object.assign(out, parameterPaths(spec.fields, `${apiPath}[]`, formPath(spec.from)));
		}
	}
	return out;
}
