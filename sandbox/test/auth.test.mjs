// Bearer auth and not-found answers, with the bodies Inbank documents; no API key in any log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { KEY, LV_SHOP, order, PRODUCT, SHOP, testSandbox } from './helpers.mjs';

describe('auth and not found', () => {
	let t;
	before(async () => (t = await testSandbox()));
	after(() => t.close());

	it('401 {"message":"unauthorized"} without a key, with an unknown key, or without the Bearer scheme', async () => {
		for (const opts of [{ key: '' }, { key: 'not-a-known-key' }, { key: '', headers: { authorization: KEY } }, { key: '', headers: { authorization: `Basic ${KEY}` } }]) {
			const res = await t.api('GET', '/pos-sessions/x', undefined, opts);
			assert.deepEqual([res.status, res.body], [401, { message: 'unauthorized' }]);
		}
		// The scheme's case does not matter.
		assert.equal((await t.api('GET', '/pos-sessions/x', undefined, { key: '', headers: { authorization: `bearer ${KEY}` } })).status, 404);
	});

	it('401 comes before anything else, even for unknown paths and on create', async () => {
		assert.equal((await t.api('GET', '/nothing-here', undefined, { key: '' })).status, 401);
		assert.equal((await t.api('POST', '/pos-sessions', order(), { key: 'wrong-key-123' })).status, 401);
		assert.equal((await t.sandbox.state.store.sessions.size), 0);
	});

	it("403 with Inbank's explicit-deny message when a known key is used for another shop", async () => {
		const forbidden = { message: 'User is not authorized to access this resource with an explicit deny' };
		const other = await t.api('GET', '/pos-sessions/x', undefined, { shopUuid: LV_SHOP.uuid });
		assert.deepEqual([other.status, other.body], [403, forbidden]);
		const unknownShop = await t.api('POST', '/pos-sessions', order(), { shopUuid: '00000000-0000-4000-8000-000000000000' });
		assert.deepEqual([unknownShop.status, unknownShop.body], [403, forbidden]);
		assert.equal((await t.api('GET', '/pos-sessions/x', undefined, { key: LV_SHOP.apiKey, shopUuid: LV_SHOP.uuid })).status, 404);
	});

	it('404 {"message":"not_found"} for unknown sessions, contracts, paths and methods', async () => {
		const notFound = { message: 'not_found' };
		for (const [method, path] of [
			['GET', '/pos-sessions/00000000-0000-4000-8000-000000000000'],
			['GET', '/contracts/00000000-0000-4000-8000-000000000000'],
			['POST', '/contracts/00000000-0000-4000-8000-000000000000/cancel'],
			['GET', '/nothing-here'],
			['DELETE', '/pos-sessions'],
			['GET', '/pos-sessions'],
			['GET', '/pos-sessions/'],
			['GET', '/pos-sessions/%E0%A4%A'],
			['GET', `/rental/products/${PRODUCT}/contracts/00000000-0000-4000-8000-000000000000`],
			['GET', ''],
		]) {
			const res = await t.api(method, path);
			assert.deepEqual([method, path, res.status, res.body], [method, path, 404, notFound]);
		}
		const outside = await fetch(`${t.sandbox.url}/partner/v2/anything`, { headers: { authorization: `Bearer ${KEY}` } });
		assert.equal(outside.status, 404);
	});

	it('404 for an unknown product code in the path', async () => {
		for (const path of ['/rental/products/no_such_product/detailed-asset-model?identifierType=EAN&identifier=0195949036965', '/rental/products/no_such_product/contracts/x']) {
			const res = await t.api('GET', path);
			assert.deepEqual([res.status, res.body], [404, { message: 'not_found', errorCode: 'PRODUCT_NOT_FOUND' }]);
		}
		assert.equal((await t.api('POST', '/rental/products/no_such_product/calculations', {})).status, 404);
	});

	it("a shop cannot see another shop's session (404, not 403)", async () => {
		const lv = await t.create(order(undefined, { locale: 'lv-LV' }), { key: LV_SHOP.apiKey, shopUuid: LV_SHOP.uuid });
		assert.equal((await t.api('GET', `/pos-sessions/${lv.uuid}`)).status, 404);
		assert.equal((await t.api('GET', `/pos-sessions/${lv.uuid}`, undefined, { key: LV_SHOP.apiKey, shopUuid: LV_SHOP.uuid })).status, 200);
	});

	it('413 for a body over 1 MiB', async () => {
		const res = await t.api('POST', '/pos-sessions', undefined, { raw: JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 10) }) });
		assert.deepEqual([res.status, res.body], [413, { message: 'payload_too_large' }]);
	});

	it('keeps API keys out of the request log and the log lines, even when a body carries one', async () => {
		await t.api('POST', '/pos-sessions', { ...order(), additionalData: { oops: KEY } });
		await t.api('GET', '/pos-sessions/x', undefined, { key: 'a-wrong-key-typed-in' });
		const log = (await t.control('GET', '/requests')).body;
		assert.ok(log.length >= 2);
		const everything = JSON.stringify(log) + t.logs.join('\n') + JSON.stringify((await t.control('GET', '/config')).body);
		for (const secret of [KEY, LV_SHOP.apiKey, 'a-wrong-key-typed-in']) assert.equal(everything.includes(secret), false, secret);
		assert.ok(JSON.stringify(log).includes('[redacted]'));
		// One line per request: method, path (the shop uuid is not a secret), status, time.
		assert.ok(t.logs.some((l) => l === `POST /partner/v3/shops/${SHOP}/pos-sessions 201 ${l.split(' ').at(-1)}`));
	});
});
