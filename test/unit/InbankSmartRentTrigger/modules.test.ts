import { deliveryKey, nodeMemory, PENDING_MS } from '../../../nodes/InbankSmartRentTrigger/ledger';
import { quote } from '../../../nodes/InbankSmartRentTrigger/quote';
import { MAX_CALLBACK_BYTES, parseCallback } from '../../../nodes/InbankSmartRentTrigger/parse';
import {
	checkTimestamp,
	computeSignature,
	hmacFormProblem,
	secretsEqual,
	verifySignature,
} from '../../../nodes/InbankSmartRentTrigger/signature';

// Vectors computed with `openssl dgst -sha512 -hmac <key>` over "<timestamp>.<message>".
const SIGNER = 'demo-api-key-0001';
const TIMESTAMP = '1700000000';
const MESSAGE = '{"uuid":"5e3a459a-aada-4d81-b6ad-09cb9483c8bf","status":"granted"}';
const HMAC =
	'b322acb2f650f652c27c361b36b418d336b73acd677bf905e5dae29580cfeac15bb6260c02171a569bc6cd15805c2629a984a2b28755b91f1283c4487049c0ee';
/** A session uuid other than the one MESSAGE carries. */
const OTHER = '7d0c1a52-2b7e-4c35-9a51-0f3e6a1b2c4d';
const UNICODE_KEY = 'ключ-🔑';
const UNICODE_MESSAGE = '{"uuid":"ü-ñ","status":"completed","note":"Tere, õun 🍏"}';
const UNICODE_HMAC =
	'9be35651fb573674f0eeb4bb9102059d20d1faf10f01c3d8fbaf829f65e937d897ebcb7d294bad47fc090f10c441076ad6db51951b45b5692460fe78c393f175';

describe('callback signature', () => {
	it('matches the known vectors', () => {
		expect(computeSignature(SIGNER, TIMESTAMP, MESSAGE)).toBe(HMAC);
		expect(computeSignature(UNICODE_KEY, TIMESTAMP, UNICODE_MESSAGE)).toBe(UNICODE_HMAC);
	});

	it('accepts the right hmac, in either case of hex', () => {
		expect(verifySignature(SIGNER, TIMESTAMP, MESSAGE, HMAC)).toBe(true);
		expect(verifySignature(SIGNER, TIMESTAMP, MESSAGE, HMAC.toUpperCase())).toBe(true);
		expect(verifySignature(UNICODE_KEY, TIMESTAMP, UNICODE_MESSAGE, UNICODE_HMAC)).toBe(true);
	});

	it.each([
		['a tampered message', SIGNER, TIMESTAMP, MESSAGE.replace('granted', 'completed'), HMAC],
		['a tampered timestamp', SIGNER, '1700000001', MESSAGE, HMAC],
		['a tampered hmac', SIGNER, TIMESTAMP, MESSAGE, `${HMAC.slice(0, -1)}f`],
		['a truncated hmac', SIGNER, TIMESTAMP, MESSAGE, HMAC.slice(0, 64)],
		['a non-hex hmac', SIGNER, TIMESTAMP, MESSAGE, `${HMAC.slice(0, -1)}z`],
		['the wrong key', 'another-key', TIMESTAMP, MESSAGE, HMAC],
		['an empty key', '', TIMESTAMP, MESSAGE, HMAC],
		['an empty hmac', SIGNER, TIMESTAMP, MESSAGE, ''],
	])('refuses %s', (_name, key, timestamp, message, hmac) => {
		expect(verifySignature(key, timestamp, message, hmac)).toBe(false);
	});

	it('compares URL tokens exactly', () => {
		const token = 'x'.repeat(40);
		expect(secretsEqual(token, token)).toBe(true);
		expect(secretsEqual(token, `${token}x`)).toBe(false);
		expect(secretsEqual(token, token.slice(1))).toBe(false);
		expect(secretsEqual(token, '')).toBe(false);
	});
});

describe('replay window', () => {
	const now = 1_700_000_000_000;
	it.each([
		['1700000000', true, undefined],
		['1699999701', true, undefined],
		['1699999699', false, 'stale'],
		['1700000299', true, undefined],
		['1700000301', false, 'future'],
		['1700000000000', true, undefined],
		['17000000x0', false, 'malformed'],
		['', false, 'malformed'],
		['-1700000000', false, 'malformed'],
	])('timestamp %p: ok=%p', (timestamp, ok, reason) => {
		const result = checkTimestamp(timestamp, now, 300);
		expect(result.ok).toBe(ok);
		if (!result.ok) expect(result.reason).toBe(reason);
	});
});

describe('an hmac of another form names that form, never its value', () => {
	const sha256 = '9f'.repeat(32);
	it.each([
		[sha256, 'the hmac has 64 hexadecimal characters (the length of SHA-256 in hex); expected 128 hexadecimal characters (HMAC-SHA512 in hex)'],
		[Buffer.from(HMAC, 'hex').toString('base64'), 'the hmac has 88 Base64 characters (the length of SHA-512 in Base64); expected 128'],
		[Buffer.from(sha256, 'hex').toString('base64'), 'the hmac has 44 Base64 characters (the length of SHA-256 in Base64); expected 128'],
		[`sha512=${HMAC}`, 'the hmac has 135 characters, not all hexadecimal; expected 128'],
		['abc', 'the hmac has 3 hexadecimal characters; expected 128'],
	])('%p', (hmac, start) => {
		const problem = hmacFormProblem(hmac) ?? '';
		expect(problem.startsWith(start)).toBe(true);
		expect(problem).toContain('another scheme');
		expect(problem).not.toContain(hmac);
	});
	it('says nothing for the expected form, in either letter case (a mismatch is then another key)', () => {
		expect(hmacFormProblem(HMAC)).toBeUndefined();
		expect(hmacFormProblem(HMAC.toUpperCase())).toBeUndefined();
	});
});

describe('callback parsing', () => {
	const signed = { hmac: HMAC, timestamp: TIMESTAMP, message: MESSAGE };

	it('reads a signed form body', () => {
		const result = parseCallback({ method: 'POST', contentType: 'application/x-www-form-urlencoded', body: signed, query: {} });
		expect(result).toEqual({
			ok: true,
			callback: expect.objectContaining({
				shape: 'signed',
				uuid: '5e3a459a-aada-4d81-b6ad-09cb9483c8bf',
				status: 'granted',
				hmac: HMAC,
				message: MESSAGE,
				payload: { uuid: '5e3a459a-aada-4d81-b6ad-09cb9483c8bf', status: 'granted' },
			}),
		});
	});

	it('reads signed parameters from the query string, and the token apart from the fields', () => {
		const result = parseCallback({ method: 'GET', contentType: '', body: {}, query: { ...signed, token: 'secret-token' } });
		if (!result.ok) throw new Error(result.reason);
		expect(result.callback.shape).toBe('signed');
		expect(result.callback.token).toBe('secret-token');
		expect(result.callback.fields).not.toHaveProperty('token');
		expect(result.callback.fields).not.toHaveProperty('hmac');
	});

	it('reads the raw body when n8n left it unparsed (text/plain)', () => {
		const raw = new URLSearchParams(signed).toString();
		const result = parseCallback({ method: 'POST', contentType: 'text/plain', body: {}, rawBody: Buffer.from(raw), query: {} });
		expect(result.ok && result.callback.status).toBe('granted');
		const json = parseCallback({ method: 'POST', contentType: 'text/plain', body: '', rawBody: JSON.stringify({ uuid: OTHER, status: 'Completed' }), query: {} });
		expect(json.ok && json.callback).toMatchObject({ shape: 'plain', uuid: OTHER, status: 'completed' });
	});

	it('reads a plain JSON body carrying uuid and status, or posSessionUuid', () => {
		const result = parseCallback({ method: 'POST', contentType: 'application/json', body: { posSessionUuid: OTHER, status: 'declined' }, query: {} });
		expect(result.ok && result.callback).toMatchObject({ shape: 'plain', uuid: OTHER, status: 'declined' });
	});

	it.each([
		['an empty body', { body: {}, query: {} }, 'the callback carries no session uuid (uuid or posSessionUuid; fields received: none)'],
		[
			'a body in another scheme, named by its fields and their lengths',
			{ body: { signature: 'A'.repeat(88), ts: '1700000000' }, query: { ref: 'x' } },
			'the callback carries no session uuid (uuid or posSessionUuid; fields received: ref(1), signature(88), ts(10))',
		],
		[
			'a signed message without a session uuid, named by the message’s fields',
			{ body: { ...signed, message: JSON.stringify({ sessionId: OTHER, state: 'granted' }) }, query: {} },
			'the callback carries no session uuid (uuid or posSessionUuid; fields in message: sessionId(36), state(7))',
		],
		[
			'a partly signed callback',
			{ body: { hmac: HMAC, message: MESSAGE }, query: {} },
			'a signed callback needs hmac, timestamp and message; missing timestamp (fields received: hmac(128), message(66))',
		],
		['a message that is not JSON', { body: { ...signed, message: 'uuid=1&status=granted' }, query: {} }, 'message is not JSON (21 characters; expected a JSON object naming the session)'],
		['a message that is a JSON list', { body: { ...signed, message: '[1]' }, query: {} }, 'message is JSON but not an object (3 characters)'],
		['a uuid with a path in it', { body: { uuid: '../../etc', status: 'granted' }, query: {} }, 'the session uuid "../../etc" is not a UUID (expected 8-4-4-4-12 hexadecimal digits)'],
		['an object as hmac', { body: { ...signed, hmac: { a: 1 } }, query: {} }, 'hmac, timestamp and message must be text (received: hmac(object), timestamp(10), message(66))'],
	])('refuses %s', (_name, input, reason) => {
		expect(parseCallback({ method: 'POST', contentType: 'application/json', ...input })).toEqual({ ok: false, reason });
	});

	it('names fields with odd names quoted and cut, and never shows a value', () => {
		const value = 'value-never-shown-000000';
		const result = parseCallback({ method: 'POST', contentType: 'application/json', body: { 'x\ny': value, [`k${'e'.repeat(60)}`]: value }, query: {} });
		expect(result.ok).toBe(false);
		const reason = result.ok ? '' : result.reason;
		expect(reason).toContain('"x\\ny"(24)');
		expect(reason).toContain(`"k${'e'.repeat(39)}"…(24)`);
		expect(reason).not.toContain(value);
		expect(reason).not.toMatch(/\n/);
	});

	it('reads a session named without a status, or with a status it does not know, and leaves the decision to the caller', () => {
		const none = parseCallback({ method: 'POST', contentType: 'application/json', body: { uuid: OTHER }, query: {} });
		expect(none).toEqual({ ok: true, callback: expect.objectContaining({ shape: 'plain', uuid: OTHER }) });
		expect(none.ok && 'status' in none.callback).toBe(false);
		const unknown = parseCallback({ method: 'POST', contentType: 'application/json', body: { uuid: OTHER, status: 'CONTRACT_ACTIVATED' }, query: {} });
		expect(unknown.ok && unknown.callback).toMatchObject({ uuid: OTHER, unknownStatus: 'CONTRACT_ACTIVATED' });
		expect(unknown.ok && unknown.callback.status).toBeUndefined();
		const signedWithout = parseCallback({ method: 'POST', contentType: 'application/json', body: { ...signed, message: JSON.stringify({ posSessionUuid: OTHER }) }, query: {} });
		expect(signedWithout.ok && signedWithout.callback).toMatchObject({ shape: 'signed', uuid: OTHER });
		expect(signedWithout.ok && signedWithout.callback.status).toBeUndefined();
	});

	it.each([
		['UUID and Status in the body', { body: { UUID: OTHER.toUpperCase(), Status: 'GRANTED' }, query: {} }],
		['PosSessionUuid and STATUS in the query', { body: {}, query: { PosSessionUuid: OTHER, STATUS: 'Granted' } }],
		['posSessionUUID in a form body', { body: { posSessionUUID: OTHER, status: 'granted' }, query: {} }],
	])('reads the session and the status under their names in any letter case: %s', (_name, input) => {
		const result = parseCallback({ method: 'POST', contentType: 'application/x-www-form-urlencoded', ...input });
		expect(result.ok && result.callback).toMatchObject({ uuid: OTHER, status: 'granted' });
	});

	it('a name spelt exactly wins over another spelling of it', () => {
		const result = parseCallback({ method: 'POST', contentType: 'application/json', body: { UUID: '00000000-0000-4000-8000-00000000000a', uuid: OTHER, status: 'granted' }, query: {} });
		expect(result.ok && result.callback.uuid).toBe(OTHER);
	});

	it('refuses bodies that are neither JSON nor form data, and oversized bodies', () => {
		expect(parseCallback({ method: 'POST', contentType: 'application/xml', body: {}, rawBody: '<xml/>', query: {} })).toEqual({
			ok: false,
			reason: 'the body is neither JSON nor form data (content type "application/xml")',
		});
		const big = 'a='.concat('x'.repeat(MAX_CALLBACK_BYTES));
		const result = parseCallback({ method: 'POST', contentType: 'application/x-www-form-urlencoded', body: { a: 'x' }, rawBody: big, query: {} });
		expect(result.ok).toBe(false);
		expect(!result.ok && result.reason).toMatch(/bytes; callbacks are at most 65536/);
	});

	it('handles unicode in the message', () => {
		const result = parseCallback({ method: 'POST', contentType: 'application/json', body: { hmac: UNICODE_HMAC, timestamp: TIMESTAMP, message: UNICODE_MESSAGE }, query: {} });
		expect(result.ok).toBe(false); // "ü-ñ" is not a session uuid
		const ok = parseCallback({ method: 'POST', contentType: 'application/json', body: { uuid: OTHER, status: 'granted', note: 'õun 🍏' }, query: {} });
		expect(ok.ok && ok.callback.fields.note).toBe('õun 🍏');
	});
});

describe('delivery ledger (this process’s memory)', () => {
	const now = 1_700_000_000_000;
	/** The memory's own maps (private fields), to see that pruned entries are gone, not just hidden. */
	const sizes = (memory: object) => {
		const maps = memory as { handled: Map<string, number>; inFlight: Map<string, number> };
		return { handled: maps.handled.size, inFlight: maps.inFlight.size };
	};

	it('keys are stable, short, and differ by status', () => {
		expect(deliveryKey('u-1', 'granted')).toBe(deliveryKey('u-1', 'granted'));
		expect(deliveryKey('u-1', 'granted')).not.toBe(deliveryKey('u-1', 'completed'));
		expect(deliveryKey('u-1', 'granted')).toMatch(/^[0-9a-f]{32}$/);
	});

	it('in-flight marks expire after PENDING_MS and are pruned from memory', () => {
		const memory = nodeMemory('modules:in-flight');
		for (let i = 0; i < 1000; i++) memory.markInFlight(deliveryKey(`u-${i}`, 'granted'), now + i);
		expect(memory.state(deliveryKey('u-0', 'granted'), now + 1000)).toBe('inFlight');
		expect(memory.state(deliveryKey('u-0', 'granted'), now + PENDING_MS + 1)).toBeUndefined();
		expect(sizes(memory).inFlight).toBe(1000 - 2);
		memory.state('x', now + PENDING_MS + 5000);
		expect(sizes(memory).inFlight).toBe(0);
	});

	it('keeps at most `limit` handled deliveries, the oldest forgotten first; a handled one is no longer in flight', () => {
		const memory = nodeMemory('modules:handled');
		memory.markInFlight(deliveryKey('u-0', 'granted'), now);
		for (let i = 0; i < 150; i++) memory.markHandled(deliveryKey(`u-${i}`, 'granted'), now + i, 100);
		expect(sizes(memory)).toEqual({ handled: 100, inFlight: 0 });
		expect(memory.state(deliveryKey('u-49', 'granted'), now + 200)).toBeUndefined();
		expect(memory.state(deliveryKey('u-50', 'granted'), now + 200)).toBe('handled');
		memory.forget(deliveryKey('u-50', 'granted'));
		expect(memory.state(deliveryKey('u-50', 'granted'), now + 200)).toBeUndefined();
	});
});

describe('log quoting', () => {
	it('quotes, escapes control characters and cuts long values', () => {
		expect(quote('a\nb')).toBe('"a\\nb"');
		expect(quote('x'.repeat(100), 10)).toBe(`"${'x'.repeat(10)}"…`);
		expect(quote(42)).toBe('"42"');
	});
});
