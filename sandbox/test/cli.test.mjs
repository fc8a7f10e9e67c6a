// The command line: --help, flags and environment variables, clear errors for bad configuration
// (exit 2), the start banner (the demo key shown, configured keys masked), request log lines without
// keys, and a clean shutdown on SIGTERM / SIGINT that closes open connections.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { parseArgs } from '../cli.mjs';
import { DEFAULT_SHOP, startSandbox } from '../server.mjs';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli.mjs');
const run = promisify(execFile);
const UUID_A = '11111111-1111-4111-8111-111111111111';
const UUID_B = '22222222-2222-4222-8222-222222222222';

/** Runs the CLI expecting failure; resolves with { code, stderr }. */
async function failing(args, env = {}) {
	try {
		await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 10_000 });
	} catch (error) {
		return { code: error.code, stderr: error.stderr };
	}
	throw new Error(`expected ${args.join(' ')} to fail`);
}

/** Starts the CLI and resolves once it listens: { child, url, output() }. */
function startCli(args, env = {}) {
	const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout.on('data', (c) => (output += c));
	child.stderr.on('data', (c) => (output += c));
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no start: ${output}`)), 10_000);
		child.stdout.on('data', () => {
			const match = /listening on (http:\/\/\S+)/.exec(output);
			if (match && output.includes('control API')) {
				clearTimeout(timer);
				resolve({ child, url: match[1], output: () => output, exited });
			}
		});
		exited.then(({ code }) => reject(new Error(`exited ${code}: ${output}`)));
	});
}

describe('CLI', () => {
	it('--help prints usage with every option and the demo shop, and exits 0', async () => {
		const { stdout } = await run(process.execPath, [CLI, '--help']);
		assert.match(stdout, /Usage: node sandbox\/cli\.mjs \[options\]/);
		for (const flag of ['--port', '--host', '--public-url', '--shop', '--product', '--category', '--signing', '--callback-format', '--callback-timeout', '--session-validity', '--require-merchant-approval', '--quiet']) assert.ok(stdout.includes(flag), flag);
		assert.ok(stdout.includes(DEFAULT_SHOP.uuid) && stdout.includes(DEFAULT_SHOP.apiKey));
		assert.match(stdout, /INBANK_SANDBOX_PORT/);
	});

	it('parses flags and environment variables (flags win; repeated flags add up)', () => {
		const env = { INBANK_SANDBOX_PORT: '5000', INBANK_SANDBOX_SHOPS: `${UUID_A}=env-key-123:lv`, INBANK_SANDBOX_CATEGORIES: 'warranty, insurance_fee', INBANK_SANDBOX_PRODUCTS: 'p1:12;p2', INBANK_SANDBOX_REQUIRE_MERCHANT_APPROVAL: 'true', INBANK_SANDBOX_QUIET: '1', INBANK_SANDBOX_SIGNING: 'none' };
		const fromEnv = parseArgs([], env);
		assert.deepEqual(fromEnv, {
			port: 5000,
			shops: [{ uuid: UUID_A, apiKey: 'env-key-123', country: 'lv' }],
			products: [{ code: 'p1', periods: [12] }, { code: 'p2', periods: [12, 24, 36] }],
			extraCategoryCodes: ['warranty', 'insurance_fee'],
			signing: 'none',
			requireMerchantApproval: true,
			quiet: true,
		});
		const flags = parseArgs(['--port=0', '--shop', `${UUID_B}=key:with:colons:pl`, '--shop', `${UUID_A}=second-key-1`, '--callback-format', 'json', '--callback-timeout', '800', '--public-url', 'http://shop.test:8080/'], env);
		assert.equal(flags.port, 0);
		assert.deepEqual(flags.shops, [{ uuid: UUID_B, apiKey: 'key:with:colons', country: 'pl' }, { uuid: UUID_A, apiKey: 'second-key-1', country: 'ee' }]);
		assert.deepEqual([flags.callbackFormat, flags.callbackTimeoutMs, flags.publicUrl], ['json', 800, 'http://shop.test:8080/']);
	});

	it('names what is wrong in the arguments', () => {
		for (const [args, message] of [
			[['--port', 'x'], /--port must be a whole number \(got "x"\)/],
			[['--nope'], /unknown option --nope/],
			[['--shop', 'broken'], /--shop "broken" must look like <shopUuid>=<apiKey>\[:country\]/],
			[['--product', 'p:1x'], /periods must be whole numbers/],
			[['--shop'], /--shop needs a value/],
		]) {
			assert.throws(() => parseArgs(args, {}), message);
		}
		assert.throws(() => parseArgs([], { INBANK_SANDBOX_PORT: '-1' }), /INBANK_SANDBOX_PORT must be a whole number/);
	});

	it('bad configuration exits 2 with one clear line (and never echoes a key)', async () => {
		const cases = [
			[['--port', 'x'], {}, /^inbank-sandbox: --port must be a whole number/],
			[['--port', '70000'], {}, /port must be a whole number 0-65535/],
			[['--shop', `not-a-uuid=long-enough-key`], {}, /shop "not-a-uuid" must be a UUID/],
			[['--shop', `${UUID_A}=short`], {}, /API key of shop .* at least 8 characters/],
			[['--shop', `${UUID_A}=long-enough-key:de`], {}, /country "de" .* must be one of ee, lv, lt, pl, cz/],
			[['--shop', `${UUID_A}=same-key-1234`, '--shop', `${UUID_B}=same-key-1234`], {}, /two shops share one API key/],
			[['--signing', 'md5'], {}, /signing must be one of hmac-sha512, hmac-sha256, none/],
			[['--callback-format', 'xml'], {}, /callback format must be one of form, json, query, get/],
			[['--public-url', 'not a url'], {}, /public URL "not a url" must be an http\(s\) URL/],
			[['--product', 'bad code!'], {}, /product code "bad code!"/],
			[['--category', 'Not OK'], {}, /category code "Not OK"/],
			[[], { INBANK_SANDBOX_SIGNING: 'sha1' }, /signing must be one of/],
		];
		await Promise.all(
			cases.map(async ([args, env, message]) => {
				const { code, stderr } = await failing(['--quiet', ...args], env);
				assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
				assert.match(stderr, message);
				assert.equal(stderr.trim().split('\n').length, 1, 'one line, no stack trace');
				assert.equal(stderr.includes('same-key-1234') || stderr.includes('long-enough-key'), false);
			}),
		);
	});

	it('startSandbox rejects unknown options and bad values, naming them', async () => {
		await assert.rejects(startSandbox({ port: 0, requireMerchantApprovel: true }), /unknown option "requireMerchantApprovel"/);
		await assert.rejects(startSandbox({ port: 0, products: [{ code: 'p', periods: [] }] }), /periods of product p/);
		await assert.rejects(startSandbox({ port: 0, shops: [DEFAULT_SHOP, DEFAULT_SHOP] }), /configured twice/);
	});

	it('a port in use exits 2 with a clear message', async () => {
		const busy = await startSandbox({ port: 0 });
		try {
			const { code, stderr } = await failing(['--port', String(busy.port)]);
			assert.equal(code, 2);
			assert.match(stderr, new RegExp(`127\\.0\\.0\\.1:${busy.port} is already in use`));
		} finally {
			await busy.close();
		}
	});

	it('prints the demo shop and key at start, masks configured keys, logs requests without keys', async () => {
		const demo = await startCli(['--port', '0']);
		try {
			assert.match(demo.output(), new RegExp(`shop ${DEFAULT_SHOP.uuid} \\(ee\\)  API key ${DEFAULT_SHOP.apiKey}`));
			assert.match(demo.output(), /products smart_rent_demo \(12\/24\/36 months\)/);
			const res = await fetch(`${demo.url}/partner/v3/shops/${DEFAULT_SHOP.uuid}/pos-sessions/x`, { headers: { authorization: `Bearer ${DEFAULT_SHOP.apiKey}` } });
			assert.equal(res.status, 404);
			await new Promise((r) => setTimeout(r, 50));
			const lines = demo.output().split('\n').filter((l) => l.startsWith('[sandbox]'));
			assert.equal(lines.length, 1);
			assert.match(lines[0], /^\[sandbox\] \S+ GET \/partner\/v3\/shops\/[^ ]+\/pos-sessions\/x 404 \d+ms$/);
			assert.equal(lines.join('').includes(DEFAULT_SHOP.apiKey), false);
		} finally {
			demo.child.kill('SIGTERM');
			await demo.exited;
		}
		const own = await startCli(['--port', '0', '--shop', `${UUID_A}=my-very-secret-key`], {});
		try {
			assert.match(own.output(), /API key my-v…\(18 characters\)/);
			assert.equal(own.output().includes('my-very-secret-key'), false);
			await fetch(`${own.url}/partner/v3/shops/${UUID_A}/pos-sessions/x`, { headers: { authorization: 'Bearer my-very-secret-key' } });
			await new Promise((r) => setTimeout(r, 50));
			assert.equal(own.output().includes('my-very-secret-key'), false);
		} finally {
			own.child.kill('SIGTERM');
			await own.exited;
		}
	});

	for (const signal of ['SIGTERM', 'SIGINT']) {
		it(`${signal} closes open connections and exits 0`, async () => {
			const cli = await startCli(['--port', '0', '--quiet']);
			// A keep-alive connection that would hold a naive server.close() open.
			const agentRequest = new Promise((resolve, reject) => {
				const req = request(`${cli.url}/__sandbox/health`, { headers: { connection: 'keep-alive' } }, (res) => {
					res.resume();
					res.on('end', resolve);
				});
				req.on('error', reject);
				req.end();
			});
			await agentRequest;
			const started = Date.now();
			cli.child.kill(signal);
			const { code } = await cli.exited;
			assert.equal(code, 0);
			assert.ok(Date.now() - started < 3000, 'no wait for idle connections');
			assert.match(cli.output(), new RegExp(`Inbank sandbox stopping \\(${signal}\\)`));
		});
	}
});
