import {
	claimDelivery,
	deliveryKey,
	forgetProcessMemory,
	MAX_REMEMBERED,
} from '../../nodes/InbankSmartRentTrigger/dedupe';
import { MAX_CALLBACK_BYTES, parseCallback } from '../../nodes/InbankSmartRentTrigger/parse';
import {
	checkTimestamp,
	computeSignature,
	secretsEqual,
	verifySignature,
} from '../../nodes/InbankSmartRentTrigger/signature';

// Vectors computed with `openssl dgst -sha512 -hmac <key>` over "<timestamp>.<message>".
const SIGNER = 'demo-api-key-0001';
const TIMESTAMP = '1700000000';
const MESSAGE = '{"uuid":"5e3a459a-aada-4d81-b6ad-09cb9483c8bf","status":"granted"}';
const HMAC =
	'b322acb2f650f652c27c361b36b418d336b73acd677bf905e5dae29580cfeac15bb6260c02171a569bc6cd15805c2629a984a2b28755b91f1283c4487049c0ee';
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
		const json = parseCallback({ method: 'POST', contentType: 'text/plain', body: '', rawBody: JSON.stringify({ uuid: 'u-1', status: 'Completed' }), query: {} });
		expect(json.ok && json.callback).toMatchObject({ shape: 'plain', uuid: 'u-1', status: 'completed' });
	});

	it('reads a plain JSON body carrying uuid and status, or posSessionUuid', () => {
		const result = parseCallback({ method: 'POST', contentType: 'application/json', body: { posSessionUuid: 'abc-1', status: 'declined' }, query: {} });
		expect(result.ok && result.callback).toMatchObject({ shape: 'plain', uuid: 'abc-1', status: 'declined' });
	});

	it.each([
		['an empty body', { body: {}, query: {} }, 'the callback carries no session uuid'],
		['a partly signed callback', { body: { hmac: HMAC, message: MESSAGE }, query: {} }, 'a signed callback needs hmac, timestamp and message; missing timestamp'],
		['a message that is not JSON', { body: { ...signed, message: 'uuid=1&status=granted' }, query: {} }, 'message is not JSON'],
		['a message that is a JSON list', { body: { ...signed, message: '[1]' }, query: {} }, 'message is JSON but not an object'],
		['an unknown status', { body: { uuid: 'u', status: 'paid' }, query: {} }, 'unknown status "paid" (expected one of pending, granted, completed, cancelled, declined, expired)'],
		['no status', { body: { uuid: 'u' }, query: {} }, 'the callback carries no status'],
		['a uuid with a path in it', { body: { uuid: '../../etc', status: 'granted' }, query: {} }, 'the session uuid has an unexpected form'],
		['an object as hmac', { body: { ...signed, hmac: { a: 1 } }, query: {} }, 'hmac, timestamp and message must be text'],
	])('refuses %s', (_name, input, reason) => {
		expect(parseCallback({ method: 'POST', contentType: 'application/json', ...input })).toEqual({ ok: false, reason });
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
		const ok = parseCallback({ method: 'POST', contentType: 'application/json', body: { uuid: 'abc', status: 'granted', note: 'õun 🍏' }, query: {} });
		expect(ok.ok && ok.callback.fields.note).toBe('õun 🍏');
	});
});

describe('delivery ledger (dedupe)', () => {
	beforeEach(() => forgetProcessMemory());
	const now = 1_700_000_000_000;

	it('keys are stable, short, and differ by status', () => {
		expect(deliveryKey('u-1', 'granted')).toBe(deliveryKey('u-1', 'granted'));
		expect(deliveryKey('u-1', 'granted')).not.toBe(deliveryKey('u-1', 'completed'));
		expect(deliveryKey('u-1', 'granted')).toMatch(/^[0-9a-f]{32}$/);
	});

	it('the second delivery of the same uuid + status is a duplicate, another status is not', () => {
		const key = deliveryKey('u-1', 'granted');
		const first = claimDelivery('wf:node', key, undefined, now);
		expect(first.duplicate).toBe(false);
		expect(claimDelivery('wf:node', key, undefined, now + 1).duplicate).toBe(true);
		expect(claimDelivery('wf:node', deliveryKey('u-1', 'completed'), undefined, now + 2).duplicate).toBe(false);
		expect(claimDelivery('other:node', key, undefined, now + 3).duplicate).toBe(false);
	});

	it('survives a restart through the stored record', () => {
		const key = deliveryKey('u-2', 'granted');
		const { record } = claimDelivery('wf:node', key, {}, now);
		forgetProcessMemory();
		expect(claimDelivery('wf:node', key, JSON.parse(JSON.stringify(record)), now + 1000).duplicate).toBe(true);
	});

	it('heals a stale stored record with what this process remembers', () => {
		const a = claimDelivery('wf:node', deliveryKey('u-a', 'granted'), {}, now);
		// A concurrent request started from the empty record and saved after `a`:
		const b = claimDelivery('wf:node', deliveryKey('u-b', 'granted'), {}, now + 1);
		expect(Object.keys(b.record).sort()).toEqual(Object.keys({ ...a.record, ...b.record }).sort());
		expect(Object.keys(b.record)).toHaveLength(2);
	});

	it('forgets deliveries after the retention and keeps at most the limit', () => {
		const key = deliveryKey('u-3', 'granted');
		const { record } = claimDelivery('wf:node', key, {}, now, { retentionMs: 1000 });
		forgetProcessMemory();
		expect(claimDelivery('wf:node', key, record, now + 2000, { retentionMs: 1000 }).duplicate).toBe(false);

		let stored: unknown = {};
		for (let i = 0; i < 120; i++) {
			stored = claimDelivery('wf:many', deliveryKey(`u-${i}`, 'granted'), stored, now + i, { limit: 100 }).record;
		}
		expect(Object.keys(stored as object)).toHaveLength(100);
		// The newest are kept: the 20 oldest are gone, the latest is there.
		expect(stored).not.toHaveProperty(deliveryKey('u-0', 'granted'));
		expect(stored).toHaveProperty(deliveryKey('u-119', 'granted'));
		expect(MAX_REMEMBERED).toBeGreaterThanOrEqual(1000);
	});

	it('says when the stored record needs saving: a new delivery, a heal or an expiry, not a known repeat', () => {
		const key = deliveryKey('u-5', 'granted');
		const first = claimDelivery('wf:save', key, {}, now, { retentionMs: 10_000 });
		expect(first.changed).toBe(true);
		// The repeat finds the record it would write already stored.
		const repeat = claimDelivery('wf:save', key, first.record, now + 1, { retentionMs: 10_000 });
		expect(repeat).toMatchObject({ duplicate: true, changed: false });
		// A repeat that started from an older stored record (a concurrent save lost the key) heals it.
		expect(claimDelivery('wf:save', key, {}, now + 2, { retentionMs: 10_000 }).changed).toBe(true);
		// A repeat whose stored record holds an expired delivery prunes it.
		const expired = { ...first.record, [deliveryKey('u-old', 'granted')]: now - 20_000 };
		const pruned = claimDelivery('wf:save', key, expired, now + 3, { retentionMs: 10_000 });
		expect(pruned.changed).toBe(true);
		expect(Object.keys(pruned.record)).toEqual([key]);
	});

	it('ignores garbage in the stored record', () => {
		const result = claimDelivery('wf:node', deliveryKey('u-4', 'granted'), { evil: 'x', ['a'.repeat(32)]: 'NaN' }, now);
		expect(Object.keys(result.record)).toEqual([deliveryKey('u-4', 'granted')]);
	});
});
