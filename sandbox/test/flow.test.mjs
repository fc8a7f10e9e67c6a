// The customer page and the session state machine: decisions, Inbank's demo amounts, callbacks
// signed as documented (verified here independently), browser redirects, expiry.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { demoDecision, sessionAmount } from '../lib/pricing.mjs';
import { KEY, order, rental, receiver, signatureOk, sleep, testSandbox } from './helpers.mjs';

describe('customer page, decisions and callbacks', () => {
	let t;
	let shop;
	before(async () => {
		shop = await receiver();
		t = await testSandbox();
	});
	after(async () => {
		await t.close();
		await shop.close();
	});
	beforeEach(async () => {
		await t.control('POST', '/reset');
		shop.received.length = 0;
	});

	it('shows the shop, the order, prices, period, monthly estimate and the three buttons, with no external assets', async () => {
		const session = await t.create(
			order(shop.url, {
				purchase: { purchaseReference: 'o-7', description: 'Order 7 <b>bold</b>' },
				rentalApplicationData: rental(700, { grossTradeInAmount: 100, assets: [{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'Apple iPhone 15', netPrice: 700 }, { type: 'CATEGORY_BASED', categoryCode: 'shipping_fee', modelName: 'Shipping', netPrice: 4.9 }] }),
			}),
		);
		const res = await fetch(session.redirectUrl);
		assert.equal(res.status, 200);
		assert.match(res.headers.get('content-type'), /^text\/html/);
		const html = await res.text();
		assert.match(html, /id="shop">Sandbox Shop</);
		assert.match(html, /id="description">Order 7 &lt;b&gt;bold&lt;\/b&gt;</);
		assert.match(html, /Apple iPhone 15<span class="badge">device<\/span><\/td><td class="r">700\.00 EUR/);
		assert.match(html, /Shipping<span class="badge">shipping_fee/);
		assert.match(html, /Trade-in<\/td><td class="r">−100\.00 EUR/);
		assert.match(html, /id="total">604\.90 EUR/);
		assert.match(html, /id="period">24 months/);
		assert.match(html, /id="monthly">\d+\.\d\d EUR/);
		assert.match(html, /id="status">pending/);
		for (const id of ['approve', 'decline', 'cancel']) assert.match(html, new RegExp(`<button id="${id}" name="decision" value="${id}" type="submit">`));
		assert.match(html, /<form method="post" action="\/session\/[0-9a-f-]+\/decision"/);
		assert.doesNotMatch(html, /<script|<link|<img|src=|@import|url\(/);
		assert.equal((await fetch(`${t.sandbox.url}/session/00000000-0000-4000-8000-000000000000`)).status, 404);
	});

	it('approve: granted, a signed server-to-server callback, then 303 to returnUrl with the same fields', async () => {
		const session = await t.create(order(shop.url));
		const res = await t.decide(session, 'approve');
		assert.equal(res.status, 303);

		// The callback was delivered before the browser was sent back (form body by default).
		assert.equal(shop.received.length, 1);
		const callback = shop.received[0];
		assert.deepEqual([callback.method, callback.path], ['POST', '/callback']);
		assert.match(callback.headers['content-type'], /^application\/x-www-form-urlencoded/);
		assert.deepEqual(Object.keys(callback.form).sort(), ['hmac', 'message', 'timestamp']);
		assert.ok(signatureOk(KEY, callback.form), 'hmac = hex(HMAC-SHA512(apiKey, timestamp.message))');
		assert.ok(Math.abs(Number(callback.form.timestamp) - Date.now() / 1000) < 5, 'timestamp in Unix seconds');
		const message = JSON.parse(callback.form.message);
		const stored = await t.getSession(session.uuid);
		assert.equal(stored.status, 'granted');
		assert.deepEqual(message, { uuid: session.uuid, status: 'granted', purchaseReference: 'order-1', creditContractUuid: stored.creditContractUuid });

		const location = new URL(res.headers.get('location'));
		assert.equal(`${location.origin}${location.pathname}`, `${shop.url}/return`);
		assert.deepEqual(Object.fromEntries(location.searchParams), callback.form);

		const log = (await t.control('GET', '/callbacks')).body;
		assert.deepEqual(log.map((c) => [c.sessionUuid, c.sessionStatus, c.variant, c.httpStatus]), [[session.uuid, 'granted', 'genuine', 200]]);
	});

	it('decline -> declined (returnUrl); cancel -> cancelled (cancelUrl); never a contract', async () => {
		const declined = await t.create(order(shop.url));
		const d = await t.decide(declined, 'decline');
		assert.equal(d.status, 303);
		assert.match(d.headers.get('location'), new RegExp(`^${shop.url}/return\\?`));
		const cancelled = await t.create(order(shop.url));
		const c = await t.decide(cancelled, 'cancel');
		assert.match(c.headers.get('location'), new RegExp(`^${shop.url}/cancel\\?`));
		assert.equal(JSON.parse(new URL(c.headers.get('location')).searchParams.get('message')).status, 'cancelled');
		for (const [uuid, status] of [[declined.uuid, 'declined'], [cancelled.uuid, 'cancelled']]) {
			const stored = await t.getSession(uuid);
			assert.deepEqual([stored.status, stored.creditContractUuid], [status, null]);
		}
		assert.deepEqual(shop.received.map((r) => JSON.parse(r.form.message).status), ['declined', 'cancelled']);
	});

	it("Inbank's demo amounts: positive 0-500 and from 1426, negative 1001-1100, the button decides in between", async () => {
		assert.deepEqual([0, 500, 500.01, 1000, 1001, 1100, 1100.01, 1425.99, 1426, 5000].map(demoDecision), ['positive', 'positive', 'manual', 'manual', 'negative', 'negative', 'manual', 'manual', 'positive', 'positive']);
		// Net prices minus trade-in and campaign discount, as sent.
		assert.equal(sessionAmount({ assets: [{ netPrice: 1000 }, { netPrice: 150 }], grossTradeInAmount: 100, grossCampaignDiscount: 0 }), 1050);
		const outcome = async (rentalData, decision = 'approve') => {
			const session = await t.create(order(shop.url, { rentalApplicationData: rentalData }));
			await t.decide(session, decision);
			const stored = await t.getSession(session.uuid);
			return `${stored.totalAmount}:${stored.status}`;
		};
		assert.equal(await outcome(rental(500)), '500:granted');
		assert.equal(await outcome(rental(1426)), '1426:granted');
		assert.equal(await outcome(rental(1001)), '1001:declined');
		assert.equal(await outcome(rental(1100)), '1100:declined');
		assert.equal(await outcome(rental(1200, { grossTradeInAmount: 100, grossCampaignDiscount: 50 })), '1050:declined');
		assert.equal(await outcome(rental(800)), '800:granted');
		assert.equal(await outcome(rental(1300)), '1300:granted');
		assert.equal(await outcome(rental(300), 'decline'), '300:declined');
		assert.equal(await outcome(rental(2000), 'decline'), '2000:declined');
		// The page tells the tester which rule applies.
		const negative = await t.create(order(shop.url, { rentalApplicationData: rental(1050) }));
		assert.match(await (await fetch(negative.redirectUrl)).text(), /declined even when you approve/);
	});

	it('without partner URLs the page shows the result; a second decision gets 409; a bad one 400', async () => {
		const session = await t.create(order());
		const res = await t.decide(session, 'approve');
		assert.equal(res.status, 200);
		assert.match(await res.text(), /Application <span id="status">granted<\/span>/);
		const again = await t.decide(session, 'decline');
		assert.equal(again.status, 409);
		assert.match(await again.text(), /id="status">granted/);
		assert.match(await (await fetch(session.redirectUrl)).text(), /id="closed"/);
		const bad = await t.decide(await t.create(order()), 'maybe');
		assert.equal(bad.status, 400);
		assert.equal((await fetch(session.redirectUrl, { method: 'DELETE' })).status, 405);
		assert.equal(shop.received.length, 0);
	});

	it('granted -> completed by activation, with a completed callback; granted -> cancelled by contract cancel', async () => {
		const session = await t.create(order(shop.url));
		await t.decide(session, 'approve');
		const { creditContractUuid } = await t.getSession(session.uuid);
		const base = `/rental/products/smart_rent_demo/contracts/${creditContractUuid}`;
		assert.equal((await t.api('PATCH', `${base}/asset-identifiers`, { assetIdentifiers: [{ identifierType: 'IMEI', identifier: '356938035643809' }] })).status, 204);
		assert.equal((await t.api('POST', `${base}/activation`)).status, 204);
		assert.equal((await t.getSession(session.uuid)).status, 'completed');
		await shop.waitFor(2);
		assert.deepEqual(JSON.parse(shop.received[1].form.message), { uuid: session.uuid, status: 'completed', purchaseReference: 'order-1', creditContractUuid });
		assert.ok(signatureOk(KEY, shop.received[1].form));

		const other = await t.create(order(shop.url));
		await t.decide(other, 'approve');
		const contractUuid = (await t.getSession(other.uuid)).creditContractUuid;
		assert.equal((await t.api('POST', `/contracts/${contractUuid}/cancel`)).status, 204);
		assert.equal((await t.getSession(other.uuid)).status, 'cancelled');
		await shop.waitFor(4);
		assert.equal(JSON.parse(shop.received[3].form.message).status, 'cancelled');
		// Moves the state machine does not allow.
		const late = await t.api('POST', `/contracts/${contractUuid}/merchant-approval`);
		assert.deepEqual([late.status, late.body], [409, { message: 'contract is cancelled; it cannot be approved', errorCode: 'CONSTRAINTS_VIOLATED_GENERAL' }]);
		assert.equal((await t.api('POST', `/contracts/${creditContractUuid}/cancel`)).status, 409);
	});

	it('a failing, refusing or slow callback target never breaks the flow; each delivery is logged', async () => {
		const slow = await receiver(() => ({ status: 200, delayMs: 1500 }));
		const refusing = await receiver(() => ({ status: 500, body: 'boom' }));
		const quick = await testSandbox({ callbackTimeoutMs: 300 });
		try {
			const closed = await receiver();
			await closed.close(); // a port where nothing listens any more
			const targets = { refused: `${closed.url}/callback`, error: `${refusing.url}/cb`, slow: `${slow.url}/cb` };
			for (const callbackUrl of Object.values(targets)) {
				const session = await quick.create(order(undefined, { partnerUrls: { returnUrl: 'https://shop.example.com/r', cancelUrl: 'https://shop.example.com/c', callbackUrl } }));
				const started = Date.now();
				const res = await quick.decide(session, 'approve');
				assert.equal(res.status, 303);
				assert.ok(Date.now() - started < 1200, 'the callback timeout bounds the wait');
			}
			const log = (await quick.control('GET', '/callbacks')).body;
			assert.equal(log[0].error, 'ECONNREFUSED');
			assert.deepEqual([log[1].httpStatus, log[1].body], [500, 'boom']);
			assert.equal(log[2].error, 'timeout after 300 ms');
			assert.ok(quick.logs.some((l) => l.startsWith(`callback granted (genuine) -> ${targets.refused}: ECONNREFUSED`)));
			assert.equal((await quick.control('GET', '/health')).status, 200);
		} finally {
			await quick.close();
			await slow.close();
			await refusing.close();
		}
	});

	it('masks secret-looking query parameters of callback URLs in log lines', async () => {
		const session = await t.create(order(undefined, { partnerUrls: { returnUrl: `${shop.url}/r`, cancelUrl: `${shop.url}/c`, callbackUrl: `${shop.url}/cb?token=s3cr3t-t0ken-value&shop=1` } }));
		await t.decide(session, 'approve');
		assert.equal(shop.received[0].query.token, 's3cr3t-t0ken-value');
		const line = t.logs.findLast((l) => l.startsWith('callback granted'));
		assert.match(line, /\/cb\?token=\*\*\*&shop=1/);
		assert.equal(t.logs.join('\n').includes('s3cr3t-t0ken-value'), false);
	});
});

describe('callback formats and signing schemes', () => {
	const cases = [
		['json', 'hmac-sha512', (r) => (assert.match(r.headers['content-type'], /^application\/json/), JSON.parse(r.body))],
		['query', 'hmac-sha512', (r) => (assert.equal(r.method, 'POST'), assert.equal(r.body, ''), r.query)],
		['get', 'hmac-sha256', (r) => (assert.equal(r.method, 'GET'), r.query)],
		['form', 'none', (r) => r.form],
	];
	for (const [callbackFormat, signing, read] of cases) {
		it(`${callbackFormat} / ${signing}`, async () => {
			const shop = await receiver();
			const t = await testSandbox({ callbackFormat, signing });
			try {
				const session = await t.create(order(shop.url));
				const res = await t.decide(session, 'approve');
				const fields = read(shop.received[0]);
				assert.equal(JSON.parse(fields.message).status, 'granted');
				if (signing === 'none') assert.deepEqual(Object.keys(fields), ['message']);
				else assert.ok(signatureOk(KEY, fields, signing === 'hmac-sha256' ? 'sha256' : 'sha512'));
				assert.deepEqual(Object.fromEntries(new URL(res.headers.get('location')).searchParams), fields);
			} finally {
				await t.close();
				await shop.close();
			}
		});
	}
});

describe('expiry', () => {
	it('a pending session expires when validUntil passes: on the timer, with a callback', async () => {
		const shop = await receiver();
		const t = await testSandbox({ expiryCheckMs: 50 });
		try {
			const session = await t.create(order(shop.url, { validUntil: new Date(Date.now() + 300).toISOString() }));
			await shop.waitFor(1, 2000);
			assert.deepEqual(JSON.parse(shop.received[0].form.message), { uuid: session.uuid, status: 'expired', purchaseReference: 'order-1' });
			assert.ok(signatureOk(KEY, shop.received[0].form));
			assert.equal((await t.getSession(session.uuid)).status, 'expired');
			const res = await t.decide(session, 'approve');
			assert.equal(res.status, 409);
		} finally {
			await t.close();
			await shop.close();
		}
	});

	it('and lazily on read when no timer runs; a default validUntil comes from sessionValidityMinutes', async () => {
		const t = await testSandbox({ expiryCheckMs: 0, sessionValidityMinutes: 90 });
		try {
			const session = await t.create(order(undefined, { validUntil: new Date(Date.now() + 200).toISOString() }));
			assert.equal((await t.getSession(session.uuid)).status, 'pending');
			await sleep(300);
			assert.equal((await t.getSession(session.uuid)).status, 'expired');
			const later = await t.create(order());
			const validUntil = Date.parse((await t.getSession(later.uuid)).validUntil);
			assert.ok(Math.abs(validUntil - (Date.now() + 90 * 60_000)) < 5000);
			// Only pending sessions expire.
			const decided = await t.create(order(undefined, { validUntil: new Date(Date.now() + 200).toISOString() }));
			await t.decide(decided, 'approve');
			await sleep(300);
			assert.equal((await t.getSession(decided.uuid)).status, 'granted');
		} finally {
			await t.close();
		}
	});
});

describe('GET pos-sessions/{uuid}', () => {
	it('returns the session with the documented fields, creditContractUuid once granted', async () => {
		const t = await testSandbox();
		try {
			const body = order('https://shop.example.com', { userIp: '203.0.113.7', customerContactData: { email: 'a@example.com', mobile: '+37255555555' } });
			const session = await t.create(body);
			const got = await t.getSession(session.uuid);
			for (const key of ['uuid', 'productCode', 'totalAmount', 'currency', 'status', 'salespersonReference', 'locale', 'userIp', 'partnerUrls', 'customerData', 'customerContactData', 'purchase', 'rentalApplicationData', 'creditApplicationUuid', 'creditContractUuid', 'createdAt', 'validUntil']) {
				assert.ok(key in got, key);
			}
			assert.deepEqual([got.status, got.totalAmount, got.currency, got.locale, got.userIp, got.creditContractUuid], ['pending', 400, 'EUR', 'et-EE', '203.0.113.7', null]);
			assert.equal(got.rentalApplicationData.insuranceUsed, true, 'Inbank applies insuranceUsed = true by default');
			assert.deepEqual(got.partnerUrls, body.partnerUrls);
			assert.equal('shopUuid' in got, false);
			await t.decide(session, 'approve');
			assert.match((await t.getSession(session.uuid)).creditContractUuid, /^[0-9a-f-]{36}$/);
		} finally {
			await t.close();
		}
	});
});

describe('session and contract uuids', () => {
	it('are found in any letter case (a database uuid column), and answered in the stored lower case', async () => {
		const t = await testSandbox();
		try {
			const { session, contractUuid } = await t.granted(order());
			assert.match(session.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
			const upper = await t.api('GET', `/pos-sessions/${session.uuid.toUpperCase()}`);
			assert.deepEqual([upper.status, upper.body.uuid, upper.body.status], [200, session.uuid, 'granted']);
			const contract = await t.api('GET', `/contracts/${contractUuid.toUpperCase()}`);
			assert.deepEqual([contract.status, contract.body.uuid], [200, contractUuid]);
			assert.equal((await t.control('GET', `/sessions/${session.uuid.toUpperCase()}`)).body.uuid, session.uuid);
			assert.equal((await t.api('GET', '/pos-sessions/00000000-0000-4000-8000-000000000000')).status, 404);
		} finally {
			await t.close();
		}
	});
});
