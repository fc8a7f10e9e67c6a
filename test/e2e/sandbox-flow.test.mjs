// The example workflows against the Inbank sandbox in a real n8n, with the customer's page checked in
// a real browser (Debian's Chromium driven by playwright-core): checkout → redirectUrl → the customer
// approves → the browser lands on returnUrl → the signed callback runs the full-flow workflow, which
// registers the IMEI and activates → the completed callback marks the order paid.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { chromium } from 'playwright-core';

import { demoOrder, startFlow } from './lib/flow.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('example workflows against the Inbank sandbox', { timeout: 900_000 }, () => {
	let flow;
	let browser;

	before(async () => {
		flow = await startFlow({ examples: ['checkout', 'fullFlow', 'followUp'] });
		browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
	});
	after(async () => {
		await browser?.close();
		await flow?.stop();
	});

	it('a customer approves in the browser and the order ends paid', async () => {
		const orderId = `B-${Date.now()}`;
		const session = await flow.checkout(demoOrder(orderId));
		assert.equal(session.status, 'pending');
		assert.ok(session.redirectUrl.startsWith(`${flow.sandbox.publicUrl}/session/`));

		const page = await browser.newPage();
		await page.goto(session.redirectUrl);
		assert.match(await page.textContent('#description'), new RegExp(orderId));
		await Promise.all([page.waitForURL(`${flow.shop.baseUrl}/checkout/inbank-return**`), page.click('#approve')]);
		assert.equal(await page.textContent('#shop-page'), 'Thank you for your order');
		const landed = new URL(page.url());
		assert.ok(landed.searchParams.get('hmac'), 'the return URL carries the signed callback fields');
		await page.close();

		const paid = await flow.waitFor('the order-paid note', () => flow.crmNotes().find((n) => n.order === orderId && /order paid/.test(n.note)));
		assert.equal(paid.status, 'completed');
		const sessionState = (await flow.control('GET', '/sessions')).find((s) => s.uuid === session.sessionUuid);
		assert.equal(sessionState.status, 'completed');
		const contract = (await flow.control('GET', '/contracts')).find((c) => c.uuid === sessionState.creditContractUuid);
		assert.equal(contract.status, 'activated');
		assert.deepEqual(contract.assetIdentifiers, [{ identifier: '356938035643809', identifierType: 'IMEI' }]);
		const callbacks = (await flow.control('GET', '/callbacks')).filter((c) => c.sessionUuid === session.sessionUuid);
		assert.deepEqual(
			callbacks.map((c) => [c.sessionStatus, c.httpStatus, c.body]),
			[
				['granted', 200, 'OK'],
				['completed', 200, 'OK'],
			],
		);
		assert.ok(flow.crmNotes().some((n) => n.order === orderId && /activated/.test(n.note)));
	});

	it('a resent callback runs nothing twice, a forged one is refused with 401', async () => {
		const orderId = `D-${Date.now()}`;
		const session = await flow.checkout(demoOrder(orderId));
		await flow.control('POST', `/sessions/${session.sessionUuid}/state`, { status: 'declined' });
		await flow.waitFor('the release-stock note', () => flow.crmNotes().find((n) => n.order === orderId));
		const resend = await flow.control('POST', `/sessions/${session.sessionUuid}/callback`, { variant: 'genuine' });
		assert.deepEqual([resend.callback.httpStatus, resend.callback.body], [200, 'OK']);
		const forged = await flow.control('POST', `/sessions/${session.sessionUuid}/callback`, { variant: 'forged' });
		assert.equal(forged.callback.httpStatus, 401);
		// Correctly signed but older than the Replay Window (Inbank resending after an outage): with Verify
		// Then Fetch on, Inbank's record confirms it, and it is a repeat.
		const stale = await flow.control('POST', `/sessions/${session.sessionUuid}/callback`, { variant: 'stale' });
		assert.deepEqual([stale.callback.httpStatus, stale.callback.body], [200, 'OK']);
		await new Promise((r) => setTimeout(r, 3000));
		assert.equal(flow.crmNotes().filter((n) => n.order === orderId).length, 1);
	});

	it('the customer cancelling lands on cancelUrl and releases the stock', async () => {
		const orderId = `C-${Date.now()}`;
		const session = await flow.checkout(demoOrder(orderId));
		const page = await browser.newPage();
		await page.goto(session.redirectUrl);
		await Promise.all([page.waitForURL(`${flow.shop.baseUrl}/checkout/inbank-cancel**`), page.click('#cancel')]);
		await page.close();
		const note = await flow.waitFor('the release-stock note', () => flow.crmNotes().find((n) => n.order === orderId));
		assert.equal(note.status, 'cancelled');
	});
});
