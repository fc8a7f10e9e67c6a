// The example workflows running for real: the Inbank sandbox, a real n8n with this package, the
// sandbox credential and the examples/ workflows (pointed at local addresses), and a stand-in for the
// shop's pages and its CRM that records what reaches it. Used by `npm run demo` and the e2e suite.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { DEFAULT_PRODUCT, DEFAULT_SHOP, startSandbox } from '../../../sandbox/server.mjs';
import { N8n, REPO, waitFor } from './n8n.mjs';

const require = createRequire(import.meta.url);
const { startRecorder } = require('../../support/http-recorder.js');

export const EXAMPLES = {
	checkout: '01-shop-checkout-create-session.json',
	followUp: '02-crm-follow-up-per-status.json',
	fullFlow: '03-full-smart-rent-flow.json',
};
export const CREDENTIAL = { id: 'inbankSandbox01', name: 'Inbank sandbox' };

/** An Inbank API credential for n8n's import, for `shop` of the sandbox at `sandboxUrl`. */
export function sandboxCredential(ref, sandboxUrl, shop = DEFAULT_SHOP, extra = {}) {
	return {
		...ref,
		type: 'inbankApi',
		data: { apiKey: shop.apiKey, environment: 'demo', country: shop.country, shopUuid: shop.uuid, baseUrl: sandboxUrl, ...extra },
	};
}

/** The sandbox's control API (JSON, as the hardened API requires); throws on an error answer. */
export async function sandboxControl(sandboxUrl, method, path, body) {
	const res = await fetch(`${sandboxUrl}/__sandbox${path}`, {
		method,
		headers: { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`sandbox control ${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
	return text ? JSON.parse(text) : undefined;
}

/** A new POS session at the sandbox (201), created as the shop would (`body`: the request body). */
export async function createSandboxSession(sandboxUrl, body, shop = DEFAULT_SHOP) {
	const res = await fetch(`${sandboxUrl}/partner/v3/shops/${shop.uuid}/pos-sessions`, {
		method: 'POST',
		headers: { authorization: `Bearer ${shop.apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	const answer = await res.json();
	if (res.status !== 201) throw new Error(`the sandbox answered ${res.status}: ${JSON.stringify(answer)}`);
	return answer;
}

/** An example workflow with its placeholder addresses replaced by local ones. */
export function loadExample(file, { n8nUrl, shopUrl, id }) {
	const text = readFileSync(join(REPO, 'examples', file), 'utf8')
		.replaceAll('http://localhost:5678', n8nUrl)
		.replaceAll('https://shop.example.com', shopUrl)
		.replaceAll('https://crm.example.com', shopUrl);
	return { ...JSON.parse(text), id, active: false };
}

/**
 * `extra`: further credentials and workflows to import, not published; `extra(sandbox)` gives them once the
 * sandbox's address is known.
 */
export async function startFlow({ examples = ['checkout', 'fullFlow'], log = () => {}, sandboxOptions = {}, extra } = {}) {
	const started = [];
	// Once, also when a signal and the caller's own clean-up both ask for it.
	let stopping;
	const stopAll = () =>
		(stopping ??= (async () => {
			for (const stop of [...started].reverse()) await stop().catch(() => {});
		})());
	try {
		const shop = await startRecorder((request) =>
			request.path.startsWith('/checkout/')
				? { status: 200, rawBody: `<html><body><h1 id="shop-page">${request.path.endsWith('cancel') ? 'Order cancelled' : 'Thank you for your order'}</h1></body></html>` }
				: { status: 200, body: { ok: true } },
		);
		started.push(() => shop.close());

		log('starting the Inbank sandbox');
		const sandbox = await startSandbox({ port: 0, ...sandboxOptions });
		started.push(() => sandbox.close());

		log('installing n8n-nodes-inbank into n8n');
		const n8n = await N8n.create();
		started.push(() => n8n.stop());
		await n8n.importCredentials([sandboxCredential(CREDENTIAL, sandbox.url)]);
		const ids = { checkout: 'exampleCheckout', followUp: 'exampleFollowUp', fullFlow: 'exampleFullFlow' };
		const workflows = examples.map((name) => loadExample(EXAMPLES[name], { n8nUrl: n8n.baseUrl, shopUrl: shop.baseUrl, id: ids[name] }));
		await n8n.importWorkflows(workflows);
		for (const workflow of workflows) await n8n.publish(workflow.id);
		const more = extra ? await extra(sandbox) : {};
		if (more.credentials?.length) await n8n.importCredentials(more.credentials);
		if (more.workflows?.length) await n8n.importWorkflows(more.workflows);
		log('starting n8n');
		await n8n.start();

		return {
			sandbox,
			n8n,
			shop,
			product: DEFAULT_PRODUCT.code,
			/** The shop's checkout: what a web shop would POST to the first example's webhook. */
			async checkout(order) {
				const res = await n8n.webhook('shop-checkout', {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(order),
				});
				const text = await res.text();
				if (res.status !== 200) throw new Error(`checkout answered ${res.status}: ${text}`);
				return JSON.parse(text);
			},
			control: (method, path, body) => sandboxControl(sandbox.url, method, path, body),
			/** Waits until `probe` returns a truthy value (polling), or fails naming `what`. */
			waitFor,
			crmNotes() {
				return shop.requests.filter((r) => r.path.startsWith('/api/orders/')).map((r) => ({ order: r.path.split('/')[3], ...r.json }));
			},
			stop: stopAll,
		};
	} catch (error) {
		await stopAll();
		throw error;
	}
}

/** A checkout as a web shop would send it. */
export function demoOrder(orderId, netPrice = 449) {
	return {
		orderId,
		description: `Order ${orderId}: Apple iPhone 15 128GB on Smart Rent`,
		productCode: DEFAULT_PRODUCT.code,
		locale: 'et-EE',
		period: 24,
		device: { modelId: 'apple-iphone-15-128', name: 'Apple iPhone 15 128GB', netPrice },
		shippingNetPrice: 4.9,
		customer: { email: 'mari.maasikas@example.com', mobile: '+37255555555', ip: '203.0.113.7' },
	};
}
