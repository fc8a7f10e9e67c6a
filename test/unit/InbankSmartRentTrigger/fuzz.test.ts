import { randomUUID } from 'node:crypto';

import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { InbankSmartRentTrigger } from '../../../nodes/InbankSmartRentTrigger/InbankSmartRentTrigger.node';
import { computeSignature } from '../../../nodes/InbankSmartRentTrigger/signature';
import { fakeWebhookContext } from '../../support/fake-context';
import { API_KEY, credentials } from '../../support/fixtures';

/**
 * Trigger fuzzing: 10,000 random and hostile requests (bodies, headers, query strings). Property: an
 * execution starts only for a callback that passes verification; every other request is answered
 * 400 or 401; nothing throws (n8n would answer 500). Genuine signed callbacks are mixed in, each of
 * which must start exactly one execution.
 */
const RUNS = 10_000;
let trigger = new InbankSmartRentTrigger();

const hostileText = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc.constantFrom('', ' ', 'null', '{}', '[]', '{"uuid":"u","status":"granted"}', '%00', '../../etc/passwd', '<script>', '\u0000', 'x'.repeat(70_000), 'NaN', '1e309'),
);
const anyValue = fc.oneof(hostileText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(hostileText, { maxLength: 3 }), fc.dictionary(hostileText, hostileText, { maxKeys: 3 }));
const fieldsLike = fc.dictionary(fc.constantFrom('hmac', 'timestamp', 'message', 'uuid', 'status', 'token', 'posSessionUuid', 'extra'), anyValue, { maxKeys: 6 });
const now = () => Math.floor(Date.now() / 1000);
// Signed-looking but wrong: a random hmac, a wrong key, a shifted timestamp or a changed message.
const forged = fc.record({
	uuid: fc.uuid(),
	status: fc.constantFrom('pending', 'granted', 'completed', 'cancelled', 'declined', 'expired', 'paid'),
	how: fc.constantFrom('random-hmac', 'wrong-key', 'stale', 'future', 'changed-message', 'upper-hex-wrong'),
	hex: fc.stringMatching(/^[0-9a-f]{128}$/),
}).map(({ uuid, status, how, hex }) => {
	const timestamp = String(how === 'stale' ? now() - 10_000 : how === 'future' ? now() + 10_000 : now());
	const message = JSON.stringify({ uuid, status });
	const key = how === 'wrong-key' ? `${API_KEY}x` : API_KEY;
	let hmac = computeSignature(key, timestamp, message);
	if (how === 'random-hmac') hmac = hex;
	if (how === 'upper-hex-wrong') hmac = `${hmac.slice(0, -1).toUpperCase()}${hmac.endsWith('0') ? '1' : '0'}`;
	return { hmac, timestamp, message: how === 'changed-message' ? JSON.stringify({ uuid, status: 'completed', x: 1 }) : message };
});

const request = fc.record({
	method: fc.constantFrom('POST', 'GET', 'PUT', 'DELETE'),
	contentType: fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/xml', 'multipart/form-data', '', 'application/json; charset=utf-8'),
	body: fc.oneof(fieldsLike, forged, fc.constant({})),
	query: fc.oneof(fc.constant({}), fieldsLike, forged),
	raw: fc.option(hostileText, { nil: undefined }),
});

describe(`trigger fuzzing: ${RUNS} hostile requests`, () => {
	beforeEach(async () => {
		await jest.isolateModulesAsync(async () => {
			const module = await import('../../../nodes/InbankSmartRentTrigger/InbankSmartRentTrigger.node');
			trigger = new module.InbankSmartRentTrigger();
		});
	});

	it('starts an execution only for verified callbacks, answers 400/401 otherwise, never throws', async () => {
		let genuine = 0;
		let refused = 0;
		await fc.assert(
			fc.asyncProperty(request, fc.nat(9), async (req, roll) => {
				// One request in ten is a genuine signed callback with a fresh session uuid.
				const isGenuine = roll === 0;
				let body: IDataObject = req.body as IDataObject;
				if (isGenuine) {
					const timestamp = String(now());
					const message = JSON.stringify({ uuid: randomUUID(), status: 'granted' });
					body = { hmac: computeSignature(API_KEY, timestamp, message), timestamp, message };
				}
				const run = fakeWebhookContext({
					nodeType: trigger,
					parameters: { fetchSession: false },
					credentials: credentials('http://127.0.0.1:9'),
					request: {
						method: req.method,
						headers: { 'content-type': req.contentType },
						body,
						query: isGenuine ? {} : (req.query as IDataObject),
						rawBody: isGenuine ? undefined : req.raw,
					},
				});
				const result = await trigger.webhook.call(run.context);
				if (isGenuine) {
					genuine++;
					expect(result.workflowData?.flat()).toHaveLength(1);
					return;
				}
				expect(result.workflowData).toBeUndefined();
				expect([400, 401]).toContain(run.response.statusCode);
				refused++;
				expect(JSON.stringify(run.logs)).not.toContain(API_KEY);
			}),
			{ numRuns: RUNS },
		);
		expect(genuine).toBeGreaterThan(RUNS / 20);
		expect(refused).toBeGreaterThan(RUNS / 2);
	});
});
