/** A validation failure carrying one readable sentence per bad field; turned into a NodeOperationError. */
export class ValidationFailure extends Error {
	constructor(readonly problems: string[]) {
		super(problems[0]);
		this.name = 'ValidationFailure';
	}
}

function validationError(problems: string[]): ValidationFailure {
	return new ValidationFailure(problems);
}

/**
 * A JSON parameter as n8n hands it over: a string to parse, or already an object when an expression
 * produced one. Empty means "not set". Parse errors name the field.
 */
export function parseJsonParameter(
	value: unknown,
	field: string,
	opts: { required?: boolean } = {},
): unknown {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
		if (opts.required) throw validationError([`${field} is required`]);
		return undefined;
	}
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value);
	} catch (error) {
		throw validationError([`${field} must be valid JSON (${(error as Error).message})`]);
	}
}
