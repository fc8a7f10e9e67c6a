#!/usr/bin/env node
// `npm run sandbox` / `node sandbox/cli.mjs --help`
import { DEFAULT_PRODUCT, DEFAULT_SHOP, startSandbox } from './server.mjs';

const HELP = `Inbank sandbox: a local emulator of Inbank's partner API v3 (e-POS / Smart Rent)

Usage: node sandbox/cli.mjs [options]

Options (each also as an environment variable):
  --port <n>                 INBANK_SANDBOX_PORT       port to listen on (default 4010; 0 = any free port)
  --host <addr>              INBANK_SANDBOX_HOST       address to listen on (default 127.0.0.1)
  --public-url <url>         INBANK_SANDBOX_PUBLIC_URL base of redirectUrl links (default http://<host>:<port>)
  --shop <uuid>=<key>[:cc]   INBANK_SANDBOX_SHOPS      a shop, its API key and country (ee, lv, lt, pl, cz;
                                                       default ee); repeat, or comma-separate in the variable
  --product <code>[:p,p]     INBANK_SANDBOX_PRODUCTS   a product code and its periods in months
                                                       (default ${DEFAULT_PRODUCT.code}:${DEFAULT_PRODUCT.periods.join(',')}); repeat,
                                                       or separate with ; in the variable
  --category <code>          INBANK_SANDBOX_CATEGORIES an extra category code agreed with the shop; repeatable
  --signing <scheme>         INBANK_SANDBOX_SIGNING    callback signing: hmac-sha512 (default) or none
  --callback-format <f>      INBANK_SANDBOX_CALLBACK_FORMAT  form (default), json or query
  --require-merchant-approval                          activation needs the merchant's approval first
  --quiet                                              no request log lines
  -h, --help                                           this text

Without --shop the sandbox serves one demo shop:
  shop ${DEFAULT_SHOP.uuid}, API key ${DEFAULT_SHOP.apiKey}, country ${DEFAULT_SHOP.country}
Point the n8n credential's Base URL at the sandbox (e.g. http://127.0.0.1:4010).
Control API for tests: /__sandbox/… (see sandbox/README.md). Stop with Ctrl+C.`;

export function parseArgs(argv, env = process.env) {
	const out = { shops: [], products: [], extraCategoryCodes: [] };
	const list = (value) => (value ? value.split(',').map((s) => s.trim()).filter(Boolean) : []);
	const shop = (spec) => {
		const m = spec.match(/^([^=]+)=([^:]+)(?::([a-z]{2}))?$/);
		if (!m) throw new Error(`--shop "${spec}" must look like <uuid>=<apiKey>[:country]`);
		return { uuid: m[1], apiKey: m[2], country: m[3] ?? 'ee' };
	};
	const product = (spec) => {
		const [code, periods] = spec.split(':');
		const parsed = periods ? periods.split(',').map((p) => Number(p)) : DEFAULT_PRODUCT.periods;
		return { code, periods: parsed };
	};
	const number = (name, value) => {
		if (!/^\d+$/.test(String(value))) throw new Error(`${name} must be a whole number (got "${value}")`);
		return Number(value);
	};
	if (env.INBANK_SANDBOX_PORT) out.port = number('INBANK_SANDBOX_PORT', env.INBANK_SANDBOX_PORT);
	if (env.INBANK_SANDBOX_HOST) out.host = env.INBANK_SANDBOX_HOST;
	if (env.INBANK_SANDBOX_PUBLIC_URL) out.publicUrl = env.INBANK_SANDBOX_PUBLIC_URL;
	out.shops.push(...list(env.INBANK_SANDBOX_SHOPS).map(shop));
	out.products.push(...(env.INBANK_SANDBOX_PRODUCTS ?? '').split(';').map((s) => s.trim()).filter(Boolean).map(product));
	out.extraCategoryCodes.push(...list(env.INBANK_SANDBOX_CATEGORIES));
	if (env.INBANK_SANDBOX_SIGNING) out.signing = env.INBANK_SANDBOX_SIGNING;
	if (env.INBANK_SANDBOX_CALLBACK_FORMAT) out.callbackFormat = env.INBANK_SANDBOX_CALLBACK_FORMAT;

	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const value = () => {
			const v = argv[++i];
			if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value`);
			return v;
		};
		switch (arg) {
			case '-h':
			case '--help':
				out.help = true;
				break;
			case '--port':
				out.port = number('--port', value());
				break;
			case '--host':
				out.host = value();
				break;
			case '--public-url':
				out.publicUrl = value();
				break;
			case '--shop':
				out.shops.push(shop(value()));
				break;
			case '--product':
				out.products.push(product(value()));
				break;
			case '--category':
				out.extraCategoryCodes.push(value());
				break;
			case '--signing':
				out.signing = value();
				break;
			case '--callback-format':
				out.callbackFormat = value();
				break;
			case '--require-merchant-approval':
				out.requireMerchantApproval = true;
				break;
			case '--quiet':
				out.quiet = true;
				break;
			default:
				throw new Error(`unknown option ${arg} (see --help)`);
		}
	}
	return out;
}

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
	const log = args.quiet ? () => {} : (line) => console.log(`[sandbox] ${line}`);
	let sandbox;
	try {
		sandbox = await startSandbox({ ...args, log });
	} catch (error) {
		console.error(`inbank-sandbox: ${error.code === 'EADDRINUSE' ? `port ${args.port ?? 4010} is in use` : error.message}`);
		process.exit(2);
	}
	console.log(`Inbank sandbox listening on ${sandbox.url}`);
	for (const shop of sandbox.options.shops) {
		console.log(`  shop ${shop.uuid} (${shop.country}), API key ${shop.apiKey === DEFAULT_SHOP.apiKey ? shop.apiKey : '<as configured>'}`);
	}
	console.log(`  products ${sandbox.options.products.map((p) => `${p.code} (${p.periods.join('/')} months)`).join(', ')}`);
	let stopping = false;
	const stop = async (signal) => {
		if (stopping) return;
		stopping = true;
		console.log(`Inbank sandbox stopping (${signal})`);
		await sandbox.close();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop('SIGINT'));
	process.on('SIGTERM', () => void stop('SIGTERM'));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
