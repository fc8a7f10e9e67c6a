#!/usr/bin/env node
// `npm run sandbox` / `node sandbox/cli.mjs --help`: runs the Inbank sandbox in the foreground.
// Exit codes: 0 after Ctrl+C / SIGTERM, 2 for bad configuration (or a port in use).
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { CALLBACK_FORMATS, SIGNING_SCHEMES } from './lib/callbacks.mjs';
import { DEFAULT_PRODUCT, DEFAULT_SHOP, startSandbox } from './server.mjs';

export const HELP = `Inbank sandbox: a local emulator of Inbank's partner API v3 (e-POS / Smart Rent)
with a customer decision page, signed callbacks and a control API for tests.

Usage: node sandbox/cli.mjs [options]

Options (flags win over the environment variables beside them):
  --port <n>                  INBANK_SANDBOX_PORT         port (default 4010; 0 = any free port)
  --host <addr>               INBANK_SANDBOX_HOST         address to listen on (default 127.0.0.1)
  --public-url <url>          INBANK_SANDBOX_PUBLIC_URL   base of the redirectUrl links
                                                          (default http://<host>:<port>)
  --shop <uuid>=<key>[:cc]    INBANK_SANDBOX_SHOPS        a shop, its API key (8+ characters) and
                                                          country (ee, lv, lt, pl, cz; default ee).
                                                          Repeat the flag; comma-separate in the variable
  --product <code>[:p,p,…]    INBANK_SANDBOX_PRODUCTS     a product code and its periods in months
                                                          (default ${DEFAULT_PRODUCT.code}:${DEFAULT_PRODUCT.periods.join(',')}).
                                                          Repeat the flag; ;-separate in the variable
  --category <code>           INBANK_SANDBOX_CATEGORIES   an extra asset category code agreed with
                                                          the shop. Repeat; comma-separate
  --signing <scheme>          INBANK_SANDBOX_SIGNING      callback signing: ${SIGNING_SCHEMES.join(', ')}
                                                          (default hmac-sha512)
  --callback-format <f>       INBANK_SANDBOX_CALLBACK_FORMAT
                                                          ${CALLBACK_FORMATS.join(', ')} (default form: a POST
                                                          with a form body; query/get: fields in the query)
  --callback-timeout <ms>     INBANK_SANDBOX_CALLBACK_TIMEOUT_MS
                                                          give up on a callback after this (default 5000)
  --session-validity <min>    INBANK_SANDBOX_SESSION_VALIDITY_MINUTES
                                                          validUntil of sessions created without one
                                                          (default 1440)
  --require-merchant-approval INBANK_SANDBOX_REQUIRE_MERCHANT_APPROVAL=1
                                                          activation needs Merchant Approval first
  --quiet                     INBANK_SANDBOX_QUIET=1      no log lines
  -h, --help                                              this text

Without --shop the sandbox serves one demo shop:
  shop    ${DEFAULT_SHOP.uuid}
  API key ${DEFAULT_SHOP.apiKey}   (country ${DEFAULT_SHOP.country})
Point an Inbank API credential's Base URL at the sandbox, e.g. http://127.0.0.1:4010.
Control API for tests: /__sandbox/… (see sandbox/README.md). Stop with Ctrl+C.`;

class UsageError extends Error {}

function shopSpec(spec, where) {
	// The key may contain ':' (only a trailing :xx is a country).
	const match = /^([^=]+)=(.+?)(?::([a-z]{2}))?$/.exec(spec.trim());
	if (!match) throw new UsageError(`${where} "${spec.replace(/=.*/, '=…')}" must look like <shopUuid>=<apiKey>[:country]`);
	return { uuid: match[1].trim(), apiKey: match[2], country: match[3] ?? 'ee' };
}

function productSpec(spec, where) {
	const [code, periods, extra] = spec.trim().split(':');
	if (extra !== undefined || !code) throw new UsageError(`${where} "${spec}" must look like <code>[:12,24,36]`);
	if (periods === undefined) return { code, periods: [...DEFAULT_PRODUCT.periods] };
	if (!/^\d+(,\d+)*$/.test(periods)) throw new UsageError(`${where} "${spec}": periods must be whole numbers of months separated by commas`);
	return { code, periods: periods.split(',').map(Number) };
}

function wholeNumber(where, value) {
	if (!/^\d+$/.test(String(value).trim())) throw new UsageError(`${where} must be a whole number (got "${value}")`);
	return Number(value);
}

const isOn = (value) => /^(1|true|yes|on)$/i.test(String(value ?? '').trim());
const list = (value, separator) => (value ?? '').split(separator).map((s) => s.trim()).filter(Boolean);

/** Turns flags and environment variables into startSandbox() options (plus help/quiet). Throws UsageError. */
export function parseArgs(argv, env = process.env) {
	const out = {};
	const flags = { shops: [], products: [], extraCategoryCodes: [] };

	// The environment first; flags below replace what they name.
	if (env.INBANK_SANDBOX_PORT) out.port = wholeNumber('INBANK_SANDBOX_PORT', env.INBANK_SANDBOX_PORT);
	if (env.INBANK_SANDBOX_HOST) out.host = env.INBANK_SANDBOX_HOST;
	if (env.INBANK_SANDBOX_PUBLIC_URL) out.publicUrl = env.INBANK_SANDBOX_PUBLIC_URL;
	if (env.INBANK_SANDBOX_SHOPS) out.shops = list(env.INBANK_SANDBOX_SHOPS, ',').map((s) => shopSpec(s, 'INBANK_SANDBOX_SHOPS entry'));
	if (env.INBANK_SANDBOX_PRODUCTS) out.products = list(env.INBANK_SANDBOX_PRODUCTS, ';').map((s) => productSpec(s, 'INBANK_SANDBOX_PRODUCTS entry'));
	if (env.INBANK_SANDBOX_CATEGORIES) out.extraCategoryCodes = list(env.INBANK_SANDBOX_CATEGORIES, ',');
	if (env.INBANK_SANDBOX_SIGNING) out.signing = env.INBANK_SANDBOX_SIGNING;
	if (env.INBANK_SANDBOX_CALLBACK_FORMAT) out.callbackFormat = env.INBANK_SANDBOX_CALLBACK_FORMAT;
	if (env.INBANK_SANDBOX_CALLBACK_TIMEOUT_MS) out.callbackTimeoutMs = wholeNumber('INBANK_SANDBOX_CALLBACK_TIMEOUT_MS', env.INBANK_SANDBOX_CALLBACK_TIMEOUT_MS);
	if (env.INBANK_SANDBOX_SESSION_VALIDITY_MINUTES) out.sessionValidityMinutes = wholeNumber('INBANK_SANDBOX_SESSION_VALIDITY_MINUTES', env.INBANK_SANDBOX_SESSION_VALIDITY_MINUTES);
	if (isOn(env.INBANK_SANDBOX_REQUIRE_MERCHANT_APPROVAL)) out.requireMerchantApproval = true;
	if (isOn(env.INBANK_SANDBOX_QUIET)) out.quiet = true;

	for (let i = 0; i < argv.length; i++) {
		let arg = argv[i];
		let inline;
		if (/^--[^=]+=/.test(arg)) [arg, inline] = [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)];
		const value = () => {
			const v = inline ?? argv[++i];
			if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${arg} needs a value (see --help)`);
			return v;
		};
		switch (arg) {
			case '-h':
			case '--help':
				out.help = true;
				break;
			case '--port':
				out.port = wholeNumber('--port', value());
				break;
			case '--host':
				out.host = value();
				break;
			case '--public-url':
				out.publicUrl = value();
				break;
			case '--shop':
				flags.shops.push(shopSpec(value(), '--shop'));
				break;
			case '--product':
				flags.products.push(productSpec(value(), '--product'));
				break;
			case '--category':
				flags.extraCategoryCodes.push(value());
				break;
			case '--signing':
				out.signing = value();
				break;
			case '--callback-format':
				out.callbackFormat = value();
				break;
			case '--callback-timeout':
				out.callbackTimeoutMs = wholeNumber('--callback-timeout', value());
				break;
			case '--session-validity':
				out.sessionValidityMinutes = wholeNumber('--session-validity', value());
				break;
			case '--require-merchant-approval':
				out.requireMerchantApproval = true;
				break;
			case '--quiet':
				out.quiet = true;
				break;
			default:
				throw new UsageError(`unknown option ${arg} (see --help)`);
		}
	}
	for (const key of ['shops', 'products', 'extraCategoryCodes']) if (flags[key].length) out[key] = flags[key];
	return out;
}

/** "sand…(20 characters)": enough to recognise a configured key, not enough to use it. */
const maskKey = (key) => `${key.slice(0, 4)}…(${key.length} characters)`;

async function main() {
	let args;
	try {
		args = parseArgs(process.argv.slice(2));
	} catch (error) {
		console.error(`inbank-sandbox: ${error.message}`);
		process.exit(2);
	}
	if (args.help) {
		console.log(HELP);
		return;
	}
	const { help: _help, quiet, ...options } = args;
	const log = quiet ? () => {} : (line) => console.log(`[sandbox] ${new Date().toISOString()} ${line}`);
	let sandbox;
	try {
		sandbox = await startSandbox({ ...options, log });
	} catch (error) {
		const where = `${options.host ?? '127.0.0.1'}:${options.port ?? 4010}`;
		const message = {
			EADDRINUSE: `${where} is already in use: stop what runs there or choose another --port (0 = any free port)`,
			EADDRNOTAVAIL: `cannot listen on ${where}: the address is not on this machine (--host)`,
			EACCES: `no permission to listen on ${where} (ports below 1024 need privileges)`,
		}[error.code] ?? error.message;
		console.error(`inbank-sandbox: ${message}`);
		process.exit(2);
	}

	// One write, "listening on" first: test/support/sandbox-process.js waits for that line.
	const banner = [`Inbank sandbox listening on ${sandbox.url}`];
	if (sandbox.publicUrl !== sandbox.url) banner.push(`  customer links use ${sandbox.publicUrl}`);
	for (const shop of sandbox.options.shops) {
		const key = shop.apiKey === DEFAULT_SHOP.apiKey ? shop.apiKey : maskKey(shop.apiKey);
		banner.push(`  shop ${shop.uuid} (${shop.country})  API key ${key}`);
	}
	banner.push(`  products ${sandbox.options.products.map((p) => `${p.code} (${p.periods.join('/')} months)`).join(', ')}`);
	banner.push(`  callbacks ${sandbox.options.signing}, ${sandbox.options.callbackFormat}; control API ${sandbox.url}/__sandbox/…`);
	console.log(banner.join('\n'));

	let stopping = false;
	const stop = async (signal) => {
		if (stopping) {
			// A second Ctrl+C: do not wait any longer.
			process.exit(1);
		}
		stopping = true;
		console.log(`Inbank sandbox stopping (${signal})`);
		await sandbox.close();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop('SIGINT'));
	process.on('SIGTERM', () => void stop('SIGTERM'));
}

// Run only as a program (tests import parseArgs).
function invokedAsProgram() {
	try {
		return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
	} catch {
		return false;
	}
}
if (invokedAsProgram()) await main();
