// The sandbox against Inbank's documented behaviour: auth, validation, the state machine and demo
// rules, the customer page and signed callbacks, every Smart Rent endpoint, the control API, the CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { parseArgs } from '../cli.mjs';
import { DEFAULT_SHOP, startSandbox } from '../server.mjs';
import { demoDecision } from '../lib/store.mjs';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const SHOP = DEFAULT_SHOP.uuid;
const KEY = DEFAULT_SHOP.apiKey;
const LV_SHOP = { uuid: 'b2c3d4e5-0000-4000-8000-00000000aaaa', apiKey: 'latvian-shop-key', country: 'lv' };

/** A local receiver for callbacks and browser redirects. */
async function receiver() {
	const received = [];
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			received.push({ method: req.method, url: req.url, headers: req.headers, body, fields: Object.fromEntries(new URLSearchParams(body)) });
			res.end('OK');
		});
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	return { url: `http://127.0.0.1:${server.address().port}`, received, close: () => new Promise((r) => server.close(r)) };
}

const verify = (key, { hmac, timestamp, message }) =>
	createHmac('sha512', key).update(`${timestamp}.${message}`).digest('hex') === hmac;

describe('Inbank sandbox', () => {
	let sandbox;
	let shop;
	let api;
	let control;

	before(async () => {
		shop = await receiver();
		sandbox = await startSandbox({ port: 0, shops: [DEFAULT_SHOP, LV_SHOP], products: [{ code: 'smart_rent_demo', periods: [12, 24, 36] }] });
		api = async (method, path, body, { key = KEY, shopUuid = SHOP, raw } = {}) => {
			const res = await fetch(`${sandbox.url}/partner/v3/shops/${shopUuid}${path}`, {
				method,
				headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json' },
				body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
			});
			const text = await res.text();
			return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
		};
		control = async (method, path, body) => {
			const res = await fetch(`${sandbox.url}/__sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
			const text = await res.text();
			return { status: res.status, body: text ? JSON.parse(text) : undefined };
		};
	});
	after(async () => {
		await sandbox.close();
		await shop.close();
	});
	beforeEach(async () => {
		await control('POST', '/reset');
		shop.received.length = 0;
	});

	const order = (overrides = {}) => ({
		productCode: 'smart_rent_demo',
		currency: 'EUR',
		locale: 'et-EE',
		purchase: { purchaseReference: 'o-1', description: 'Order 1' },
		rentalApplicationData: {
			assets: [{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'iPhone 15', netPrice: 400 }],
			period: 24,
		},
		partnerUrls: { returnUrl: `${shop.url}/return`, cancelUrl: `${shop.url}/cancel`, callbackUrl: `${shop.url}/callback` },
		...overrides,
	});
	const create = async (overrides) => (await api('POST', '/pos-sessions', order(overrides))).body;

	describe('auth', () => {
		it('401 without or with an unknown key, 403 for another shop, 404 for unknown things', async () => {
			assert.deepEqual(await api('GET', '/pos-sessions/x', undefined, { key: '' }).then((r) => [r.status, r.body]), [401, { message: 'unauthorized' }]);
			assert.equal((await api('GET', '/pos-sessions/x', undefined, { key: 'wrong' })).status, 401);
			const other = await api('GET', '/pos-sessions/x', undefined, { shopUuid: LV_SHOP.uuid });
			assert.deepEqual([other.status, other.body], [403, { message: 'User is not authorized to access this resource with an explicit deny' }]);
			assert.deepEqual(await api('GET', '/pos-sessions/nope').then((r) => [r.status, r.body]), [404, { message: 'not_found' }]);
			assert.equal((await api('GET', '/rental/products/unknown/contracts/x')).status, 404);
		});
	});

	describe('POST pos-sessions validation', () => {
		const fieldsOf = async (body, opts) => {
			const res = await api('POST', '/pos-sessions', body, opts);
			assert.equal(res.status, 400);
			assert.equal(res.body.errorCode, 'VALIDATION_ERROR');
			return res.body.errors.map((e) => `${e.field} ${e.message}`);
		};
		it('accepts the documented minimal body with 201 and a redirectUrl to the customer page', async () => {
			const res = await api('POST', '/pos-sessions', order({ partnerUrls: undefined }));
			assert.equal(res.status, 201);
			assert.equal(res.body.status, 'pending');
			assert.equal(res.body.redirectUrl, `${sandbox.publicUrl}/session/${res.body.uuid}`);
		});
		it('requires the documented fields', async () => {
			assert.deepEqual(await fieldsOf({}), [
				'productCode is required',
				'currency is required',
				'locale is required',
				'purchase is required',
				'rentalApplicationData is required',
			]);
		});
		it('refuses non-JSON and non-object bodies', async () => {
			assert.deepEqual(await fieldsOf(undefined, { raw: '{oops' }), ['body is not valid JSON']);
			assert.deepEqual(await fieldsOf([1]), ['body must be a JSON object']);
		});
		it('applies the asset rules: hero first and MODEL_BASED, modelId / categoryCode by type, default type', async () => {
			const errors = await fieldsOf(
				order({
					rentalApplicationData: {
						period: 24,
						assets: [
							{ modelName: 'Phone', netPrice: 1, categoryCode: 'phone' },
							{ type: 'MODEL_BASED', modelName: 'X', netPrice: 1 },
							{ modelName: 'Y', netPrice: 1 },
							{ type: 'CATEGORY_BASED', categoryCode: 'copying_fee', modelName: 'Z', netPrice: 1 },
							{ type: 'CATEGORY_BASED', categoryCode: 'gift', modelName: 'G', netPrice: '5' },
						],
					},
				}),
			);
			assert.deepEqual(errors, [
				'rentalApplicationData.assets[0].type the hero device (first asset) must be MODEL_BASED',
				'rentalApplicationData.assets[1].modelId is required for a MODEL_BASED asset',
				'rentalApplicationData.assets[2].categoryCode is required for a CATEGORY_BASED asset',
				'rentalApplicationData.assets[3].categoryCode copying_fee is applicable for Latvia only',
				'rentalApplicationData.assets[4].netPrice must be a number >= 0',
				'rentalApplicationData.assets[4].categoryCode is not a known category code (phone, tablet, computer, watch, add_on, copying_fee, shipping_fee)',
			]);
		});
		it('accepts copying_fee for a Latvian shop', async () => {
			const body = order();
			body.rentalApplicationData.assets.push({ type: 'CATEGORY_BASED', categoryCode: 'copying_fee', modelName: 'Fee', netPrice: 2 });
			assert.equal((await api('POST', '/pos-sessions', body, { key: LV_SHOP.apiKey, shopUuid: LV_SHOP.uuid })).status, 201);
		});
		it('makes the starred keys of optional groups required once the group is sent', async () => {
			const errors = await fieldsOf(
				order({
					customerData: { firstName: 'Mari', nickname: 'M' },
					customerContactData: { email: 'x' },
					purchase: { description: 'd', merchant: [{ merchantOrderReference: 'r' }] },
					partnerUrls: { returnUrl: 'nope' },
				}),
			);
			assert.deepEqual(errors, [
				'customerData.nickname is not an allowed key (allowed: identityCode, firstName, lastName, gender)',
				'customerData.identityCode is required',
				'customerData.lastName is required',
				'customerContactData.email must be an email address',
				'customerContactData.mobile is required',
				'purchase.merchant[0].merchantDomainName is required',
				'partnerUrls.returnUrl must be an http(s) URL',
				'partnerUrls.cancelUrl is required',
			]);
		});
		it('checks currency, locale, validUntil, userIp, period and the product', async () => {
			const errors = await fieldsOf(
				order({
					productCode: 'other',
					currency: 'eur',
					locale: 'EE',
					validUntil: '2020-01-01T00:00:00+02:00',
					userIp: 'localhost',
				}),
			);
			assert.deepEqual(errors, [
				'productCode is not a product of this shop',
				'currency must be EUR',
				'locale must look like et-EE',
				'validUntil must be in the future',
				'userIp must be an IP address',
			]);
			assert.deepEqual(await fieldsOf(order({ rentalApplicationData: { assets: order().rentalApplicationData.assets, period: 18 } })), [
				'rentalApplicationData.period must be one of 12, 24, 36 for this product',
			]);
		});
	});

	describe('customer page, decisions and callbacks', () => {
		it('shows the order and, on approve, grants, calls back signed, and sends the browser to returnUrl', async () => {
			const session = await create();
			const page = await fetch(session.redirectUrl).then((r) => r.text());
			assert.match(page, /Order 1/);
			assert.match(page, /id="approve"/);
			const res = await fetch(`${session.redirectUrl}/decision`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: 'decision=approve',
				redirect: 'manual',
			});
			assert.equal(res.status, 303);
			const location = new URL(res.headers.get('location'));
			assert.equal(`${location.origin}${location.pathname}`, `${shop.url}/return`);
			const browserFields = Object.fromEntries(location.searchParams);
			assert.ok(verify(KEY, browserFields));
			assert.equal(shop.received.length, 1);
			const callback = shop.received[0];
			assert.equal(callback.url, '/callback');
			assert.match(callback.headers['content-type'], /x-www-form-urlencoded/);
			assert.ok(verify(KEY, callback.fields));
			assert.deepEqual(JSON.parse(callback.fields.message), {
				uuid: session.uuid,
				status: 'granted',
				purchaseReference: 'o-1',
				creditContractUuid: JSON.parse(callback.fields.message).creditContractUuid,
			});
			assert.deepEqual(browserFields, callback.fields);
			const after = await api('GET', `/pos-sessions/${session.uuid}`);
			assert.equal(after.body.status, 'granted');
			assert.ok(after.body.creditContractUuid);
		});

		it('decline → declined to returnUrl, cancel → cancelled to cancelUrl, negative amounts decline', async () => {
			const decide = async (decision, overrides) => {
				const session = await create(overrides);
				const res = await fetch(`${session.redirectUrl}/decision`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `decision=${decision}`, redirect: 'manual' });
				return { location: res.headers.get('location'), status: (await api('GET', `/pos-sessions/${session.uuid}`)).body.status };
			};
			const declined = await decide('decline');
			assert.equal(declined.status, 'declined');
			assert.match(declined.location, /\/return\?/);
			const cancelled = await decide('cancel');
			assert.equal(cancelled.status, 'cancelled');
			assert.match(cancelled.location, /\/cancel\?/);
			const negative = await decide('approve', {
				rentalApplicationData: { assets: [{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'X', netPrice: 1050 }], period: 24 },
			});
			assert.equal(negative.status, 'declined');
		});

		it('has the documented demo amount rules', () => {
			assert.deepEqual([0, 500, 501, 1000, 1001, 1100, 1101, 1425, 1426, 5000].map(demoDecision), [
				'positive', 'positive', 'manual', 'manual', 'negative', 'negative', 'manual', 'manual', 'positive', 'positive',
			]);
		});

		it('expires a session whose validUntil passed, with a callback', async () => {
			const session = await create({ validUntil: new Date(Date.now() + 1500).toISOString() });
			await new Promise((r) => setTimeout(r, 2600));
			assert.equal((await api('GET', `/pos-sessions/${session.uuid}`)).body.status, 'expired');
			assert.equal(JSON.parse(shop.received.at(-1).fields.message).status, 'expired');
		});
	});

	describe('Smart Rent endpoints', () => {
		it('detailed-asset-model by EAN and manufacturer code, 404 ASSET_MODEL_NOT_FOUND, 400 for a bad type', async () => {
			const byEan = await api('GET', '/rental/products/smart_rent_demo/detailed-asset-model?identifierType=EAN&identifier=0195949036965');
			assert.equal(byEan.status, 200);
			assert.equal(byEan.body.id, 'apple-iphone-15-128');
			assert.deepEqual(Object.keys(byEan.body).sort(), ['assetIdentifierTypes', 'id', 'identifiers', 'insuranceRequirement', 'name', 'periods', 'subscriptionTotalLimits']);
			const byCode = await api('GET', '/rental/products/smart_rent_demo/detailed-asset-model?identifierType=MANUFACTURER_PRODUCT_CODE&identifier=mtp03qn%2Fa');
			assert.equal(byCode.body.id, 'apple-iphone-15-128');
			const missing = await api('GET', '/rental/products/smart_rent_demo/detailed-asset-model?identifierType=EAN&identifier=1');
			assert.deepEqual([missing.status, missing.body.errorCode], [404, 'ASSET_MODEL_NOT_FOUND']);
			assert.equal((await api('GET', '/rental/products/smart_rent_demo/detailed-asset-model?identifierType=SKU&identifier=1')).status, 400);
		});

		it('calculations validate like create and answer a schedule', async () => {
			const ok = await api('POST', '/rental/products/smart_rent_demo/calculations', { period: 24, assets: [{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'X', netPrice: 600, grossPrice: 744 }] });
			assert.equal(ok.status, 200);
			assert.equal(ok.body.insuranceUsed, true);
			assert.ok(ok.body.rentalSchedule.grossMonthlyPayment > ok.body.rentalSchedule.netMonthlyPayment);
			const bad = await api('POST', '/rental/products/smart_rent_demo/calculations', { period: 7, assets: [] });
			assert.deepEqual(bad.body.errors.map((e) => e.field), ['period', 'assets']);
		});

		it('identifiers → activation → completed, with a callback; contract details; 422 and 400 errors', async () => {
			const session = await create();
			await control('POST', `/sessions/${session.uuid}/state`, { status: 'granted' });
			const contractUuid = (await api('GET', `/pos-sessions/${session.uuid}`)).body.creditContractUuid;
			const base = `/rental/products/smart_rent_demo/contracts/${contractUuid}`;
			const early = await api('POST', `${base}/activation`);
			assert.equal(early.status, 422);
			assert.deepEqual(early.body.map((e) => e.errorCode), ['ASSET_IDENTIFIERS_MISSING']);
			const badImei = await api('PATCH', `${base}/asset-identifiers`, { assetIdentifiers: [{ identifierType: 'IMEI', identifier: '123' }] });
			assert.deepEqual([badImei.status, badImei.body.errorCode], [400, 'CONSTRAINTS_VIOLATED_GENERAL']);
			assert.equal((await api('PATCH', `${base}/asset-identifiers`, { assetIdentifiers: [{ identifierType: 'IMEI', identifier: '356938035643809' }] })).status, 204);
			assert.equal((await api('POST', `${base}/activation`)).status, 204);
			const contract = await api('GET', base);
			assert.equal(contract.body.status, 'activated');
			assert.ok(contract.body.activatedAt);
			assert.ok(contract.body.details.rentalSchedule.grossMonthlyPayment > 0);
			assert.equal((await api('GET', `/contracts/${contractUuid}`)).body.status, 'activated');
			assert.equal((await api('GET', `/pos-sessions/${session.uuid}`)).body.status, 'completed');
			await new Promise((r) => setTimeout(r, 100));
			assert.equal(JSON.parse(shop.received.at(-1).fields.message).status, 'completed');
			const late = await api('POST', `/contracts/${contractUuid}/cancel`);
			assert.deepEqual([late.status, late.body.errorCode], [409, 'CONSTRAINTS_VIOLATED_GENERAL']);
			assert.equal((await api('GET', `/rental/products/other_product/contracts/${contractUuid}`)).status, 404);
		});

		it('merchant approval and cancel answer 204 and move the contract and the session', async () => {
			const session = await create();
			await control('POST', `/sessions/${session.uuid}/state`, { status: 'granted' });
			const contractUuid = (await api('GET', `/pos-sessions/${session.uuid}`)).body.creditContractUuid;
			assert.equal((await api('POST', `/contracts/${contractUuid}/merchant-approval`)).status, 204);
			assert.ok((await api('GET', `/contracts/${contractUuid}`)).body.partnerApprovalAt);
			assert.equal((await api('POST', `/contracts/${contractUuid}/cancel`)).status, 204);
			assert.equal((await api('GET', `/pos-sessions/${session.uuid}`)).body.status, 'cancelled');
		});
	});

	describe('control API', () => {
		it('injects each kind of fault for the next N matching requests', async () => {
			await control('POST', '/faults', { mode: 'status', status: 429, retryAfter: 3, count: 2, path: '/pos-sessions' });
			for (let i = 0; i < 2; i++) {
				const res = await api('GET', '/pos-sessions/x');
				assert.deepEqual([res.status, res.headers.get('retry-after')], [429, '3']);
			}
			assert.equal((await api('GET', '/pos-sessions/x')).status, 404);
			await control('POST', '/faults', { mode: 'status', status: 503 });
			assert.equal((await api('GET', '/pos-sessions/x')).status, 503);
			await control('POST', '/faults', { mode: 'non-json' });
			const html = await fetch(`${sandbox.url}/partner/v3/shops/${SHOP}/pos-sessions/x`);
			assert.deepEqual([html.status, html.headers.get('content-type')], [502, 'text/html; charset=utf-8']);
			await control('POST', '/faults', { mode: 'truncated' });
			const truncated = await fetch(`${sandbox.url}/partner/v3/shops/${SHOP}/pos-sessions/x`).then((r) => r.text());
			assert.throws(() => JSON.parse(truncated));
			await control('POST', '/faults', { mode: 'drop' });
			await assert.rejects(fetch(`${sandbox.url}/partner/v3/shops/${SHOP}/pos-sessions/x`));
			await control('POST', '/faults', { mode: 'slow', delayMs: 400 });
			const started = Date.now();
			await api('GET', '/pos-sessions/x');
			assert.ok(Date.now() - started >= 380);
			assert.equal((await control('POST', '/faults', { mode: 'explode' })).status, 400);
		});

		it('resends (duplicate), forges, stales and unsigns callbacks on demand', async () => {
			const session = await create();
			await control('POST', `/sessions/${session.uuid}/state`, { status: 'granted' });
			for (const variant of ['genuine', 'forged', 'stale', 'unsigned']) await control('POST', `/sessions/${session.uuid}/callback`, { variant });
			const [first, duplicate, forged, stale, unsigned] = shop.received.map((r) => r.fields);
			assert.ok(verify(KEY, first) && verify(KEY, duplicate));
			assert.equal(duplicate.message, first.message);
			assert.equal(verify(KEY, forged), false);
			assert.ok(verify(KEY, stale));
			assert.ok(Number(stale.timestamp) < Date.now() / 1000 - 3000);
			assert.deepEqual(Object.keys(unsigned), ['message']);
		});

		it('keeps a request log without API keys, and a callback log', async () => {
			await create();
			const log = (await control('GET', '/requests')).body;
			assert.equal(log.at(-1).path, `/partner/v3/shops/${SHOP}/pos-sessions`);
			assert.equal(log.at(-1).status, 201);
			assert.equal(JSON.stringify(log).includes(KEY), false);
			assert.ok(Array.isArray((await control('GET', '/callbacks')).body));
		});
	});

	describe('configuration', () => {
		it('parses flags and environment, and names what is wrong', () => {
			const args = parseArgs(['--port', '0', '--shop', 's-1=key-12345678:lv', '--product', 'p1:12,24', '--signing', 'none'], { INBANK_SANDBOX_CATEGORIES: 'warranty' });
			assert.deepEqual(args.shops, [{ uuid: 's-1', apiKey: 'key-12345678', country: 'lv' }]);
			assert.deepEqual(args.products, [{ code: 'p1', periods: [12, 24] }]);
			assert.deepEqual(args.extraCategoryCodes, ['warranty']);
			assert.throws(() => parseArgs(['--port', 'x']), /--port must be a whole number/);
			assert.throws(() => parseArgs(['--nope']), /unknown option --nope/);
			assert.throws(() => parseArgs(['--shop', 'broken']), /must look like <uuid>=<apiKey>/);
		});
		it('refuses bad configuration at start', async () => {
			await assert.rejects(startSandbox({ port: 0, shops: [{ uuid: 's', apiKey: 'short' }] }), /at least 8 characters/);
			await assert.rejects(startSandbox({ port: 0, signing: 'md5' }), /signing must be one of/);
			await assert.rejects(startSandbox({ port: 0, shops: [{ uuid: 's', apiKey: 'long-enough-key', country: 'de' }] }), /must be ee, lv, lt, pl or cz/);
		});
		it('--help prints usage and bad flags exit with 2', async () => {
			const cli = join(HERE, '..', 'cli.mjs');
			const help = await run(process.execPath, [cli, '--help']);
			assert.match(help.stdout, /Usage: node sandbox\/cli\.mjs/);
			await assert.rejects(run(process.execPath, [cli, '--port', 'x']), (error) => error.code === 2 && /--port must be a whole number/.test(error.stderr));
		});
	});
});
