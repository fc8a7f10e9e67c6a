// The sandbox's configuration: defaults, and the checks that turn a bad setting into an error that
// names it (the CLI prints it and exits with 2).
import { CALLBACK_FORMATS, SIGNING_SCHEMES } from './callbacks.mjs';

/** The demo shop served when no shop is configured (the README and the examples use it too). */
export const DEFAULT_SHOP = Object.freeze({
	uuid: 'a93f1f44-d5dd-4469-bfcc-c1de9e969213',
	apiKey: 'sandbox-demo-api-key',
	country: 'ee',
	name: 'Sandbox Shop',
});
export const DEFAULT_PRODUCT = Object.freeze({ code: 'smart_rent_demo', periods: Object.freeze([12, 24, 36]) });
export const COUNTRIES = ['ee', 'lv', 'lt', 'pl', 'cz'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PRODUCT_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const CATEGORY_CODE = /^[a-z0-9][a-z0-9_]{0,49}$/;

const KNOWN_OPTIONS = [
	'port', 'host', 'publicUrl', 'shops', 'products', 'extraCategoryCodes', 'signing', 'callbackFormat',
	'callbackTimeoutMs', 'requireMerchantApproval', 'sessionValidityMinutes', 'expiryCheckMs', 'log',
];

export class ConfigError extends Error {}

const fail = (message) => {
	throw new ConfigError(message);
};

/** Checks and completes startSandbox() options. Throws a ConfigError naming the bad option. */
export function resolveOptions(options = {}) {
	if (typeof options !== 'object' || options === null) fail('options must be an object');
	for (const key of Object.keys(options)) {
		if (!KNOWN_OPTIONS.includes(key)) fail(`unknown option "${key}" (known: ${KNOWN_OPTIONS.join(', ')})`);
	}

	const port = options.port ?? 4010;
	if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`port must be a whole number 0-65535 (got ${JSON.stringify(port)})`);
	const host = options.host ?? '127.0.0.1';
	if (typeof host !== 'string' || host.trim() === '') fail('host must be an address such as 127.0.0.1');

	let publicUrl;
	if (options.publicUrl !== undefined) {
		let url;
		try {
			url = new URL(options.publicUrl);
		} catch {
			// handled below
		}
		if (!url || !['http:', 'https:'].includes(url.protocol)) fail(`public URL "${options.publicUrl}" must be an http(s) URL such as http://localhost:4010`);
		publicUrl = url.toString().replace(/\/+$/, '');
	}

	const shops = (options.shops?.length ? options.shops : [DEFAULT_SHOP]).map((shop) => ({ country: 'ee', name: 'Sandbox Shop', ...shop }));
	const uuids = new Set();
	const keys = new Set();
	for (const shop of shops) {
		if (typeof shop.uuid !== 'string' || !UUID.test(shop.uuid)) fail(`shop "${shop.uuid}" must be a UUID such as ${DEFAULT_SHOP.uuid}`);
		if (uuids.has(shop.uuid.toLowerCase())) fail(`shop ${shop.uuid} is configured twice`);
		uuids.add(shop.uuid.toLowerCase());
		// The key is never echoed in an error: it may be a real one pasted by mistake.
		if (typeof shop.apiKey !== 'string' || shop.apiKey.length < 8 || /\s/.test(shop.apiKey)) fail(`the API key of shop ${shop.uuid} must have at least 8 characters and no spaces`);
		if (keys.has(shop.apiKey)) fail(`two shops share one API key (shop ${shop.uuid}): a key belongs to one shop`);
		keys.add(shop.apiKey);
		if (!COUNTRIES.includes(shop.country)) fail(`country "${shop.country}" of shop ${shop.uuid} must be one of ${COUNTRIES.join(', ')}`);
	}

	const products = (options.products?.length ? options.products : [DEFAULT_PRODUCT]).map((p) => ({ code: p.code, periods: p.periods ? [...p.periods] : [...DEFAULT_PRODUCT.periods] }));
	const codes = new Set();
	for (const product of products) {
		if (typeof product.code !== 'string' || !PRODUCT_CODE.test(product.code)) fail(`product code "${product.code}" must be letters, digits, _ . or - (e.g. ${DEFAULT_PRODUCT.code})`);
		if (codes.has(product.code)) fail(`product ${product.code} is configured twice`);
		codes.add(product.code);
		if (product.periods.length === 0 || !product.periods.every((p) => Number.isInteger(p) && p > 0 && p <= 120)) {
			fail(`the periods of product ${product.code} must be whole numbers of months, 1-120 (e.g. 12,24,36)`);
		}
	}

	const extraCategoryCodes = options.extraCategoryCodes ?? [];
	if (!Array.isArray(extraCategoryCodes)) fail('extraCategoryCodes must be a list of category codes');
	for (const code of extraCategoryCodes) {
		if (typeof code !== 'string' || !CATEGORY_CODE.test(code)) fail(`category code "${code}" must be lowercase letters, digits or _ (e.g. insurance_fee)`);
	}

	const signing = options.signing ?? 'hmac-sha512';
	if (!SIGNING_SCHEMES.includes(signing)) fail(`signing must be one of ${SIGNING_SCHEMES.join(', ')} (got "${signing}")`);
	const callbackFormat = options.callbackFormat ?? 'form';
	if (!CALLBACK_FORMATS.includes(callbackFormat)) fail(`callback format must be one of ${CALLBACK_FORMATS.join(', ')} (got "${callbackFormat}")`);
	const callbackTimeoutMs = options.callbackTimeoutMs ?? 5000;
	if (!Number.isInteger(callbackTimeoutMs) || callbackTimeoutMs < 1 || callbackTimeoutMs > 60_000) fail('callback timeout must be 1-60000 ms');
	const sessionValidityMinutes = options.sessionValidityMinutes ?? 24 * 60;
	if (!Number.isInteger(sessionValidityMinutes) || sessionValidityMinutes < 1) fail('session validity must be a whole number of minutes >= 1');
	const expiryCheckMs = options.expiryCheckMs ?? 1000;
	if (!Number.isInteger(expiryCheckMs) || expiryCheckMs < 0) fail('expiryCheckMs must be a whole number of milliseconds (0 = only on reads)');
	if (options.log !== undefined && typeof options.log !== 'function') fail('log must be a function');

	return {
		port,
		host,
		publicUrl,
		shops,
		products,
		extraCategoryCodes,
		signing,
		callbackFormat,
		callbackTimeoutMs,
		requireMerchantApproval: Boolean(options.requireMerchantApproval),
		sessionValidityMinutes,
		expiryCheckMs,
		log: options.log ?? (() => {}),
	};
}
