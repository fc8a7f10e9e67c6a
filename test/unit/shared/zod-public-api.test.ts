import { exactNumber, httpUrl } from '../../../nodes/shared/primitives';
import { shippedSources } from '../../support/source-files';

describe('zod: public API only (the host n8n decides the zod version)', () => {
	const files = shippedSources();

	it.each(['_parse', '_getOrReturnCtx', 'addIssueToContext', 'INVALID', 'z.OK(', '._def'])(
		'no shipped file uses %s',
		(internal) => {
			// INVALID as a word: zod's constant, not a Node error code such as ERR_INVALID_URL.
			const uses = (text: string) => (internal === 'INVALID' ? /\bINVALID\b/.test(text) : text.includes(internal));
			const users = files.filter((file) => uses(file.text)).map((file) => file.path);
			expect(users).toEqual([]);
		},
	);

	it('no shipped file subclasses a zod type', () => {
		const users = files.filter((file) => /class \w+(<[^>]*>)? extends z\./.test(file.text)).map((file) => file.path);
		expect(users).toEqual([]);
	});
});

describe('numbers and URLs without refine/transform keep their messages', () => {
	const problem = (schema: { safeParse(value: unknown): { success: boolean; error?: { issues: Array<{ message: string }> } } }, value: unknown) =>
		schema.safeParse(value).error?.issues[0]?.message;

	it.each([
		[undefined, 'is required'],
		['', 'is required'],
		[null, 'is required'],
		['799,90', 'must be a number such as 799.90 (got "799,90")'],
		['1e3', 'must be a number such as 799.90 (got "1e3")'],
		[Number.NaN, 'must be a number such as 799.90 (got NaN)'],
		[Number.POSITIVE_INFINITY, 'must be a number such as 799.90 (got Infinity)'],
		[true, 'must be a number such as 799.90 (got boolean)'],
		[-1, 'must be at least 0 (got -1)'],
		['-1', 'must be at least 0 (got "-1")'],
	])('amount %p: %s', (value, message) => {
		expect(problem(exactNumber({ min: 0 }), value)).toBe(message);
	});

	it('converts exact decimal text and checks whole numbers and exclusive minimums', () => {
		const period = exactNumber({ min: 0, exclusiveMin: true, integer: true });
		expect(period.parse(' 24 ')).toBe(24);
		expect(exactNumber({ min: 0 }).parse('799.90')).toBe(799.9);
		expect(problem(period, 24.5)).toBe('must be a whole number (got 24.5)');
		expect(problem(period, '24.5')).toBe('must be a whole number (got "24.5")');
		expect(problem(period, 0)).toBe('must be greater than 0 (got 0)');
		// The smallest double is not a whole number (zod's multipleOf(1) would let it pass).
		expect(problem(period, 5e-324)).toBe('must be a whole number (got 5e-324)');
	});

	it.each(['ftp://shop.example.com/x', 'https://shop example.com', 'shop.example.com', 'https://'])('refuses %p as an http(s) URL', (url) => {
		expect(problem(httpUrl(), url)).toBe('must be an http(s) URL such as https://shop.example.com/return');
	});
});
