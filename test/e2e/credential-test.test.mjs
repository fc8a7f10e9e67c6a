// The Inbank API credential's "Test" button in a real n8n (its REST endpoint, as the editor calls
// it), against the Inbank sandbox: a good key and shop pass without creating anything; a wrong key, a
// key for another shop and an unreachable host each fail with a message saying which; a redirecting
// Base URL never gets the key sent on, and an http:// Base URL for a public host is not contacted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createRequire } from 'node:module';

import { DEFAULT_SHOP, startSandbox } from '../../sandbox/server.mjs';
import { freePort, N8N_VERSION, N8n } from './lib/n8n.mjs';

const require = createRequire(import.meta.url);
const { startRecorder } = require('../support/http-recorder.js');

const OTHER_SHOP = { uuid: 'c0ffee00-0000-4000-8000-000000000002', apiKey: 'other-shop-api-key', country: 'ee' };

describe('credential test in a real n8n', { timeout: 600_000 }, () => {
	let n8n;
	let sandbox;
	let cookie;
	let elsewhere;
	let redirector;
	const headers = () => ({ 'content-type': 'application/json', 'browser-id': 'inbank-e2e', ...(cookie ? { cookie } : {}) });

	/** Saves the credential as the editor does, then presses "Test". */
	async function testCredential(data) {
		const name = `Inbank ${Date.now()}`;
		const saved = await fetch(`${n8n.baseUrl}/rest/credentials`, {
			method: 'POST',
			headers: headers(),
			body: JSON.stringify({ name, type: 'inbankApi', data }),
		});
		const savedBody = await saved.json();
		assert.equal(saved.status, 200, JSON.stringify(savedBody));
		const res = await fetch(`${n8n.baseUrl}/rest/credentials/test`, {
			method: 'POST',
			headers: headers(),
			body: JSON.stringify({ credentials: { id: savedBody.data.id, name, type: 'inbankApi', data } }),
		});
		const body = await res.json();
		assert.equal(res.status, 200, JSON.stringify(body));
		return body.data;
	}

	before(async () => {
		sandbox = await startSandbox({ port: 0, shops: [DEFAULT_SHOP, OTHER_SHOP] });
		elsewhere = await startRecorder(() => ({ status: 404, body: { message: 'not_found' } }));
		redirector = await startRecorder((request) => ({ status: 302, headers: { location: `${elsewhere.baseUrl}${request.url}` } }));
		n8n = await N8n.create();
		await n8n.start();
		cookie = await n8n.setupOwner();
	});
	after(async () => {
		await n8n?.stop();
		await sandbox?.close();
		await redirector?.close();
		await elsewhere?.close();
	});

	const good = () => ({ apiKey: DEFAULT_SHOP.apiKey, environment: 'demo', country: 'ee', shopUuid: DEFAULT_SHOP.uuid, baseUrl: sandbox.url });

	it('passes for a good key and shop, and creates nothing', async () => {
		const before = (await fetch(`${sandbox.url}/__sandbox/sessions`).then((r) => r.json())).length;
		const result = await testCredential(good());
		assert.equal(result.status, 'OK', JSON.stringify(result));
		const requests = await fetch(`${sandbox.url}/__sandbox/requests`).then((r) => r.json());
		assert.equal(requests.at(-1).method, 'GET');
		assert.match(requests.at(-1).path, /\/pos-sessions\/00000000-0000-4000-8000-000000000000$/);
		assert.equal((await fetch(`${sandbox.url}/__sandbox/sessions`).then((r) => r.json())).length, before);
	});

	it('says the key is wrong', async () => {
		const result = await testCredential({ ...good(), apiKey: 'not-the-key' });
		assert.equal(result.status, 'Error');
		assert.match(result.message, /did not accept the API key \(HTTP 401\)/);
	});

	it('says the key belongs to another shop', async () => {
		const result = await testCredential({ ...good(), apiKey: OTHER_SHOP.apiKey });
		assert.equal(result.status, 'Error');
		assert.match(result.message, /not for this shop \(HTTP 403\)/);
	});

	it('says the host cannot be reached', async () => {
		const result = await testCredential({ ...good(), baseUrl: `http://127.0.0.1:${await freePort()}` });
		assert.equal(result.status, 'Error');
		assert.match(result.message, /ECONNREFUSED|refused/i);
		// n8n answers an unreachable host with the bare network code (a declarative test can reword only
		// HTTP answers): the credential form says what it means, as the editor loads it from n8n.
		const types = await fetch(`${n8n.baseUrl}/types/credentials.json`, { headers: headers() }).then((r) => r.json());
		const inbank = types.find((type) => type.name === 'inbankApi');
		// First in the form: right under the banner that shows the code.
		const notice = inbank.properties[0];
		assert.equal(notice.name, 'unreachableNotice');
		assert.equal(notice.type, 'notice');
		assert.match(notice.displayName, /ECONNREFUSED.*check Environment, Country and Base URL/);
		// The Country hint is HTML in the editor: no <country> for it to swallow.
		assert.doesNotMatch(inbank.properties.find((property) => property.name === 'country').hint, /[<>]/);
	});

	it('does not follow a redirecting Base URL: the key never reaches the other origin', async () => {
		const result = await testCredential({ ...good(), baseUrl: redirector.baseUrl });
		assert.equal(redirector.requests.length, 1);
		assert.equal(elsewhere.requests.length, 0, JSON.stringify(elsewhere.requests.map((request) => request.headers)));
		if (Number(N8N_VERSION.split('.')[0]) >= 2) {
			// n8n 2.x fails the test on the redirect status, with the credential's words.
			assert.equal(result.status, 'Error', JSON.stringify(result));
			assert.match(result.message, /redirect \(HTTP 302\), which was not followed/);
		} else {
			// n8n 1.x cannot fail a declarative test on a status it was told to accept: it reports the 302 as a
			// connection, but sends nothing on (the node itself then refuses the redirect).
			assert.equal(result.status, 'OK', JSON.stringify(result));
		}
	});

	it('does not contact an http:// Base URL for a public host without Allow Unencrypted HTTP', async () => {
		const port = await freePort();
		const result = await testCredential({ ...good(), baseUrl: `http://inbank-proxy.invalid:${port}` });
		assert.equal(result.status, 'Error');
		// The credential's expression leaves n8n no URL to send to; the form's notice says what the code means.
		// n8n 2.x shows the error's code, n8n 1.x its message.
		assert.match(result.message, /^(ERR_INVALID_URL|Invalid URL)$/);
		const types = await fetch(`${n8n.baseUrl}/types/credentials.json`, { headers: headers() }).then((r) => r.json());
		const properties = types.find((type) => type.name === 'inbankApi').properties;
		const notice = properties.find((property) => property.name === 'unreachableNotice');
		assert.match(notice.displayName, /ERR_INVALID_URL: see Base URL/);
		const baseUrl = properties.find((property) => property.name === 'baseUrl');
		assert.match(baseUrl.hint, /ERR_INVALID_URL in the test: http:\/\/ outside private networks/);
	});

	it('Lithuania without Base URL: no guessed host is contacted, the test shows ERR_INVALID_URL, and the form says why', async () => {
		const requests = (await fetch(`${sandbox.url}/__sandbox/requests`).then((r) => r.json())).length;
		for (const environment of ['demo', 'production']) {
			const result = await testCredential({ ...good(), environment, country: 'lt', baseUrl: '' });
			assert.equal(result.status, 'Error', JSON.stringify(result));
			// n8n had no URL to send to: a tried host (demo-api.inbank.lt) would show ENOTFOUND, EAI_AGAIN or a connection error.
			assert.match(result.message, /^(ERR_INVALID_URL|Invalid URL)$/, environment);
		}
		assert.equal((await fetch(`${sandbox.url}/__sandbox/requests`).then((r) => r.json())).length, requests);
		const types = await fetch(`${n8n.baseUrl}/types/credentials.json`, { headers: headers() }).then((r) => r.json());
		const properties = types.find((type) => type.name === 'inbankApi').properties;
		const lithuania = properties.find((property) => property.name === 'country').options.find((option) => option.value === 'lt');
		assert.equal(lithuania.name, 'Lithuania (Base URL Required)');
		assert.match(lithuania.description, /Inbank publishes no Lithuanian API host: set Base URL .* \(the test shows ERR_INVALID_URL\)/);
		assert.match(properties.find((property) => property.name === 'baseUrl').hint, /ERR_INVALID_URL in the test: .*Lithuania without Base URL/);
		// The notice at the top points to Base URL, whose hint names Lithuania (above).
		assert.match(properties.find((property) => property.name === 'unreachableNotice').displayName, /ERR_INVALID_URL: see Base URL\./);
	});

	it('Lithuania with the Base URL Inbank gave the shop: the test goes there and passes', async () => {
		const result = await testCredential({ ...good(), country: 'lt' });
		assert.equal(result.status, 'OK', JSON.stringify(result));
		const requests = await fetch(`${sandbox.url}/__sandbox/requests`).then((r) => r.json());
		assert.match(requests.at(-1).path, /\/pos-sessions\/00000000-0000-4000-8000-000000000000$/);
	});
});
