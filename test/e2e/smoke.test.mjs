// Real-n8n smoke test: the packed package installed into n8n (2.41.1, or E2E_N8N_VERSION) creates a POS session against a
// local stand-in for Inbank, and refuses an invalid item with a field-named error, sending nothing.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';

import { chainWorkflow, N8N_VERSION, N8n, nodeError, nodeOutput } from './lib/n8n.mjs';

const require = createRequire(import.meta.url);
const { startRecorder } = require('../support/http-recorder.js');

const { API_KEY: KEY, credentials, fullExpectedBody, fullFieldParameters, SHOP_UUID: SHOP } = require('../support/fixtures.js');
const CREDENTIAL = { id: 'inbankSmoke0001', name: 'Inbank stand-in' };
const REDIRECTING = { id: 'inbankSmoke0002', name: 'Inbank behind a redirect' };
const SESSION = '5e3a459a-aada-4d81-b6ad-09cb9483c8bf';
/** The seed request, every field set (the one the unit tests check the body of). */
const createParameters = fullFieldParameters();

describe(`real n8n ${N8N_VERSION} smoke`, { timeout: 900_000 }, () => {
	let n8n;
	let inbank;
	// A Base URL that redirects to another origin, which answers as a forger would.
	let elsewhere;
	let redirector;

	before(async () => {
		elsewhere = await startRecorder(() => ({ status: 200, body: { uuid: SESSION, status: 'completed', paid: true } }));
		redirector = await startRecorder((request) => ({ status: 302, headers: { location: `${elsewhere.baseUrl}${request.url}` } }));
		inbank = await startRecorder((request) =>
			request.headers.authorization === `Bearer ${KEY}`
				? {
						status: 201,
						body: { uuid: 'e2e-session-1', status: 'pending', redirectUrl: 'http://127.0.0.1/session/e2e-session-1' },
					}
				: { status: 401, body: { message: 'unauthorized' } },
		);
		n8n = await N8n.create();
		await n8n.importCredentials([
			{ ...CREDENTIAL, type: 'inbankApi', data: credentials(inbank.baseUrl) },
			{ ...REDIRECTING, type: 'inbankApi', data: credentials(redirector.baseUrl) },
		]);
		const invalid = structuredClone(createParameters);
		invalid.assets.asset[0] = { type: 'CATEGORY_BASED', categoryCode: 'phone', modelName: 'iPhone 15 128GB', netPrice: 799.9 };
		await n8n.importWorkflows([
			chainWorkflow('smokeCreateOk01', [['Create POS session', createParameters]], CREDENTIAL),
			chainWorkflow('smokeCreateBad1', [['Create POS session', invalid]], CREDENTIAL),
			chainWorkflow('smokeRedirect01', [['Get POS session', { resource: 'posSession', operation: 'get', sessionUuid: SESSION }]], REDIRECTING),
		]);
	});

	after(async () => {
		await n8n?.stop();
		await inbank?.close();
		await redirector?.close();
		await elsewhere?.close();
	});

	it('sends exactly the body the seed describes and outputs the session', async () => {
		inbank.requests.length = 0;
		const run = await n8n.execute('smokeCreateOk01');
		assert.equal(run.ok, true, run.output.slice(-2000));
		assert.equal(inbank.requests.length, 1);
		const [request] = inbank.requests;
		assert.equal(request.method, 'POST');
		assert.equal(request.path, `/partner/v3/shops/${SHOP}/pos-sessions`);
		assert.equal(request.headers.authorization, `Bearer ${KEY}`);
		assert.match(request.headers['content-type'], /^application\/json/);
		assert.deepEqual(request.json, fullExpectedBody());
		const items = nodeOutput(run.execution, 'Create POS session');
		assert.equal(items.length, 1);
		assert.deepEqual(items[0].json, {
			uuid: 'e2e-session-1',
			status: 'pending',
			redirectUrl: 'http://127.0.0.1/session/e2e-session-1',
			productCode: 'smart_rent_ee',
			shopUuid: SHOP,
			environment: 'custom',
			apiBaseUrl: inbank.baseUrl,
			purchaseReference: '1001',
		});
		assert.deepEqual(items[0].pairedItem, { item: 0 });
	});

	it('refuses an invalid item with a field-named error and sends nothing', async () => {
		inbank.requests.length = 0;
		const run = await n8n.execute('smokeCreateBad1');
		assert.equal(run.ok, false);
		assert.equal(inbank.requests.length, 0);
		const error = nodeError(run.execution, 'Create POS session');
		const text = JSON.stringify(error ?? run.output);
		// The form's words with the API path after them; the description lists one problem per <li>
		// (n8n's editor renders it as HTML, where plain line breaks would run together).
		assert.match(text, /Invalid POS session request: Assets → Asset Type \(rentalApplicationData\.assets\[0\]\.type\): must be Model Based/);
		assert.match(String(error?.description), /^No request was sent to Inbank\.\n<ul>\n(<li>[^\n]*<\/li>\n)+<\/ul>$/);
	});

	it('does not follow a redirecting Base URL: the bearer key never reaches the other origin', async () => {
		const run = await n8n.execute('smokeRedirect01');
		assert.equal(run.ok, false, run.output.slice(-2000));
		assert.equal(redirector.requests.length, 1);
		assert.equal(redirector.requests[0].headers.authorization, `Bearer ${KEY}`);
		assert.equal(elsewhere.requests.length, 0, JSON.stringify(elsewhere.requests.map((request) => request.headers)));
		assert.equal(nodeOutput(run.execution, 'Get POS session'), undefined);
		const error = nodeError(run.execution, 'Get POS session');
		const text = JSON.stringify(error ?? run.output);
		assert.match(text, new RegExp(`answered with a redirect \\(HTTP 302\\) to host \\\\?"127\\.0\\.0\\.1:${elsewhere.port}\\\\?"; it was not followed`));
		assert.doesNotMatch(text, /paid/);
	});

	it('never shows the API key in n8n output or logs', () => {
		assert.ok(n8n.log().length > 1000, 'n8n produced output');
		assert.equal(n8n.log().includes(KEY), false);
	});
});
