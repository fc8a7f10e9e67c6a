import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { buildBodyFromFields } from '../../../nodes/InbankSmartRent/actions/posSession/createBody';
import { CUSTOM_CATEGORY, KNOWN_CATEGORY_CODES } from '../../../nodes/shared/domain';
import {
	assetIdentifiersRequest,
	calculationRequest,
	rentalContractRequest,
} from '../../../nodes/InbankSmartRent/contract/smartRent';
import { formatIssues } from '../../../nodes/shared/primitives';
import { type CreateOutcome, createFromJson, createThroughExecute } from '../../support/through-execute';
// The sandbox's own, independent reading of Inbank's rules.
import * as sandboxRules from '../../../sandbox/lib/validate.cjs';

/**
 * Property: whatever a shop, a spreadsheet or an expression hands the node, the outcome is either a
 * refusal whose every sentence names a request field, or a body that the sandbox's strict validation
 * (written independently from Inbank's documentation) accepts. Never a TypeError.
 * At least 10,000 generated parameter sets per run, valid and invalid mixed.
 */

const RUNS = 10_000;

type Rules = {
	validatePosSession: (body: unknown, ctx: object) => Array<{ field: string; message: string }>;
	validateCalculation: (body: unknown, ctx: object) => Array<{ field: string; message: string }>;
	validateAssetIdentifiers: (body: unknown, types?: string[]) => Array<{ field: string; message: string }>;
};
const rules = sandboxRules as unknown as Rules;

// The API path first (JSON mode), or the form's name with the API path after it (Fields mode).
const FIELD = /^(?:request body|productCode|currency|locale|validUntil|userIp|customerData|customerContactData|purchase|rentalApplicationData|partnerUrls|integrationInfo|additionalData|Request Body \(JSON\)|body|assets|period|insuranceUsed|grossTradeInAmount|grossCampaignDiscount|contractUuid|sessionUuid|assetIdentifiers|identifier|identifierType)\b|^[A-Z][^:]* \((?:request body|productCode|currency|locale|validUntil|userIp|customerData|customerContactData|purchase|rentalApplicationData|partnerUrls|integrationInfo|additionalData|Request Body \(JSON\)|body|assets|period|insuranceUsed|grossTradeInAmount|grossCampaignDiscount|contractUuid|sessionUuid|assetIdentifiers|identifier|identifierType)\b[^()]*\): /;

// Hostile and ordinary values, as expressions and earlier nodes produce them.
const junk = fc.oneof(
	fc.constantFrom('', ' ', '[object Object]', 'null', 'undefined', 'NaN', '799,90', '1e3', '-5', '0', '799.90', '٣', 'x'.repeat(5000)),
	fc.string({ unit: 'binary', maxLength: 30 }),
	fc.double(),
	fc.integer(),
	fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 1e308, 0, 799.9),
	fc.boolean(),
	fc.constant(null),
	fc.constant(undefined),
	fc.array(fc.integer(), { maxLength: 3 }),
	fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);
const price = fc.oneof({ weight: 3, arbitrary: fc.double({ min: 0, max: 5000, noNaN: true }) }, { weight: 2, arbitrary: fc.constantFrom('799.90', '12', ' 19.5 ') }, { weight: 1, arbitrary: junk });
const text = (examples: string[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...examples) }, { weight: 1, arbitrary: junk });
const categoryCode = fc.oneof(
	{ weight: 4, arbitrary: fc.constantFrom(...KNOWN_CATEGORY_CODES) },
	{ weight: 1, arbitrary: fc.constant(CUSTOM_CATEGORY) },
	{ weight: 1, arbitrary: junk },
);
const asset = fc.record(
	{
		type: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('MODEL_BASED', 'CATEGORY_BASED') }, { weight: 1, arbitrary: junk }),
		modelId: text(['apple-iphone-15-128', 'm-1', '']),
		categoryCode,
		customCategoryCode: text(['extended_warranty', 'Bad Code', '']),
		modelName: text(['iPhone 15', 'Case', 'Ümbris 🍏']),
		netPrice: price,
		grossPrice: price,
	},
	{ requiredKeys: ['type', 'modelName', 'netPrice'] },
);
const assets = fc.oneof(
	{ weight: 40, arbitrary: fc.array(fc.oneof({ weight: 20, arbitrary: asset }, { weight: 1, arbitrary: fc.constant(null) }), { minLength: 0, maxLength: 6 }) },
	{ weight: 1, arbitrary: fc.array(asset, { minLength: 200, maxLength: 200 }) },
);
const fieldParameters = fc.record(
	{
		productCode: text(['smart_rent_demo']),
		currency: text(['EUR', 'eur']),
		locale: text(['et-EE', 'lv-LV', 'english']),
		period: fc.oneof(fc.constantFrom(12, 24, '36', 0, 24.5, -1), junk),
		insuranceUsed: fc.oneof(fc.boolean(), junk),
		assets: assets.map((asset) => ({ asset })),
		purchaseDescription: text(['Order 1', 'Tellimus õun']),
		purchaseReference: text(['1001']),
		callbackUrl: text(['https://n8n.example.com/webhook/x/callback', '']),
		customerData: fc.option(
			fc.record({ customer: fc.record({ identityCode: text(['38001085718']), firstName: text(['Mari']), lastName: text(['Maasikas']), gender: fc.oneof(fc.constantFrom('', 'f', 'm'), junk) }, { requiredKeys: [] }) }),
			{ nil: undefined },
		),
		customerContactData: fc.option(fc.record({ contact: fc.record({ email: text(['mari@example.com', 'not-an-email']), mobile: text(['+37255555555']) }, { requiredKeys: [] }) }), { nil: undefined }),
		merchants: fc.option(fc.record({ merchant: fc.array(fc.record({ merchantOrderReference: text(['M-1']), merchantDomainName: text(['shop.example.com']) }, { requiredKeys: [] }), { maxLength: 3 }) }), { nil: undefined }),
		partnerUrls: fc.option(
			fc.record({
				urls: fc.record(
					{ returnUrl: text(['https://shop.example.com/r', 'http://ex ample.com/r', 'shop/return']), cancelUrl: text(['https://shop.example.com/c']) },
					{ requiredKeys: [] },
				),
			}),
			{ nil: undefined },
		),
		additionalFields: fc.record(
			{
				validUntil: text(['2099-02-17T11:10:00+02:00', '2020-01-01T00:00:00Z', '2099-02-17T11:10:00']),
				userIp: text(['203.0.113.7', '2001:db8::1', '999.1.1.1']),
				purchaseAdditionalDetails: text(['{"a":1}', '{"a":', '[1]']),
				grossCampaignDiscount: price,
				grossTradeInAmount: price,
				integrationInfo: text(['{"ecom_platform":"x"}', 'plain']),
				additionalData: text(['{}', '{"prefill":{"x":1}}']),
			},
			{ requiredKeys: [] },
		),
	},
	{ requiredKeys: [] },
);

// Parameters a careful user would enter, so that the accepted side is reached often too.
const validAsset = fc.oneof(
	fc.record({ type: fc.constant('CATEGORY_BASED'), categoryCode: fc.constantFrom('add_on', 'shipping_fee', 'phone', 'copying_fee'), modelName: fc.constantFrom('Case', 'Shipping'), netPrice: fc.constantFrom(0, 4.9, '19.50') }),
	fc.record({ type: fc.constant('CATEGORY_BASED'), categoryCode: fc.constant(CUSTOM_CATEGORY), customCategoryCode: fc.constantFrom('extended_warranty', 'insurance_plus'), modelName: fc.constant('Warranty'), netPrice: fc.constant(49) }),
	fc.record({ type: fc.constant('MODEL_BASED'), modelId: fc.constantFrom('m-2', 'apple-watch-s9-41'), modelName: fc.constant('Watch'), netPrice: fc.constant(299) }),
);
const validFields = fc.record({
	productCode: fc.constantFrom('smart_rent_demo', 'smart_rent_ee'),
	currency: fc.constant('EUR'),
	locale: fc.constantFrom('et-EE', 'lv-LV', 'en-US'),
	period: fc.constantFrom(12, 24, '36'),
	insuranceUsed: fc.boolean(),
	assets: fc
		.tuple(fc.record({ type: fc.constant('MODEL_BASED'), modelId: fc.constantFrom('apple-iphone-15-128', 'm-1'), modelName: fc.constantFrom('iPhone 15', 'Ümbris 🍏'), netPrice: fc.constantFrom(449, '799.90', 1050) }), fc.array(validAsset, { maxLength: 4 }))
		.map(([hero, rest]) => ({ asset: [hero, ...rest] })),
	purchaseDescription: fc.constantFrom('Order 1', 'Tellimus õun'),
	customerData: fc.option(fc.constant({ customer: { identityCode: '38001085718', firstName: 'Mari', lastName: 'Maasikas', gender: 'f' } }), { nil: undefined }),
	customerContactData: fc.option(fc.constant({ contact: { email: 'mari@example.com', mobile: '+37255555555' } }), { nil: undefined }),
	partnerUrls: fc.option(fc.constant({ urls: { returnUrl: 'https://shop.example.com/r', cancelUrl: 'https://shop.example.com/c' } }), { nil: undefined }),
	purchaseReference: fc.constantFrom('1001', ''),
	callbackUrl: fc.constantFrom('https://n8n.example.com/webhook/x/callback', ''),
	additionalFields: fc.record({ userIp: fc.constant('203.0.113.7'), validUntil: fc.constant('2099-02-17T11:10:00+02:00'), grossTradeInAmount: fc.constant('50') }, { requiredKeys: [] }),
});
/** A valid parameter set with one key replaced by something hostile. */
const mutatedFields = fc
	.tuple(validFields, fc.constantFrom('productCode', 'currency', 'locale', 'period', 'insuranceUsed', 'assets', 'purchaseDescription', 'purchaseReference', 'callbackUrl', 'customerData', 'partnerUrls', 'additionalFields'), junk)
	.map(([valid, key, value]) => ({ ...valid, [key]: value }));
const anyFields = fc.oneof(validFields, mutatedFields, fieldParameters);

type Outcome = { refused: string[] } | { body: IDataObject };

/** Runs Create POS session through the node's execute (n8n's default filling, validation, the request). */
async function outcome(run: () => Promise<CreateOutcome>): Promise<Outcome> {
	let crash: unknown;
	try {
		const result = await run();
		if (result.problems) return { refused: result.problems };
		if (result.body) return { body: result.body };
		crash = result.crash;
	} catch (error) {
		crash = error;
	}
	// A TypeError or anything else than a field-named refusal fails the property.
	expect(String((crash as Error)?.stack ?? crash)).toBe('no crash');
	return { refused: [] };
}

function sandboxContext(body: IDataObject, country: string) {
	const rental = (body.rentalApplicationData ?? {}) as IDataObject;
	const assetsSent = (rental.assets ?? []) as IDataObject[];
	const known: readonly string[] = KNOWN_CATEGORY_CODES;
	return {
		country,
		now: Date.now(),
		// The node cannot know a product's periods or the codes Inbank agreed with a shop; the sandbox is told them.
		products: new Map([[body.productCode, { periods: [rental.period] }]]),
		extraCategoryCodes: assetsSent.map((a) => a.categoryCode).filter((c) => typeof c === 'string' && !known.includes(c)),
	};
}

function expectFieldNamed(problems: string[]) {
	expect(problems.length).toBeGreaterThan(0);
	for (const problem of problems) expect(problem).toMatch(FIELD);
}

describe(`property: ${RUNS} generated requests either are refused by field or pass the sandbox's rules`, () => {
	it('Create POS session, Fields mode', async () => {
		let accepted = 0;
		await fc.assert(
			fc.asyncProperty(anyFields, fc.constantFrom('ee', 'lv', 'pl'), async (parameters, country) => {
				const result = await outcome(() => createThroughExecute(parameters as never, country));
				if ('refused' in result) return expectFieldNamed(result.refused);
				accepted++;
				expect(rules.validatePosSession(JSON.parse(JSON.stringify(result.body)), sandboxContext(result.body, country))).toEqual([]);
			}),
			{ numRuns: RUNS },
		);
		// The generator must reach both outcomes, or the property proves little.
		expect(accepted).toBeGreaterThan(RUNS / 100);
	});

	it('Create POS session, JSON mode (any JSON at all)', async () => {
		let accepted = 0;
		await fc.assert(
			fc.asyncProperty(fc.oneof(fc.jsonValue(), anyFields.map((p) => fromFieldsLoose(p))), async (json) => {
				const result = await outcome(() => createFromJson(json, 'ee'));
				if ('refused' in result) return expectFieldNamed(result.refused);
				accepted++;
				expect(rules.validatePosSession(JSON.parse(JSON.stringify(result.body)), sandboxContext(result.body, 'ee'))).toEqual([]);
			}),
			{ numRuns: Math.ceil(RUNS / 2) },
		);
		expect(accepted).toBeGreaterThan(RUNS / 100);
	});

	it('Calculate rent, Update asset identifiers and the uuid-taking operations', () => {
		const calculation = fc.record({ productCode: text(['smart_rent_demo', '../x']), body: fc.record({ period: fc.oneof(fc.constantFrom(12, 24, '24'), junk), insuranceUsed: fc.oneof(fc.boolean(), junk), assets: assets.map((list) => list.map((a) => (a && typeof a === 'object' ? { ...a, categoryCode: a.categoryCode === CUSTOM_CATEGORY ? 'add_on' : a.categoryCode } : a))) }, { requiredKeys: ['assets'] }) });
		const identifiers = fc.record({ productCode: text(['smart_rent_demo']), contractUuid: text(['9c1f7f9e-3b7a-4c55-9d0e-5f1a2b3c4d5e', '../../x']), assetIdentifiers: fc.oneof(fc.array(fc.record({ identifierType: fc.oneof(fc.constantFrom('IMEI', 'SERIAL_NUMBER'), junk), identifier: text(['356938035643809', '35693803 5643809', 'F2LXK0ABCD', '123']) }), { maxLength: 3 }), junk) });
		const contract = fc.record({ productCode: text(['smart_rent_demo', 'a/b']), contractUuid: text(['9c1f7f9e-3b7a-4c55-9d0e-5f1a2b3c4d5e', '..', '%2e%2e', 'a b']) });
		fc.assert(
			fc.property(calculation, identifiers, contract, (calc, ids, ref) => {
				const c = calculationRequest.safeParse(calc);
				if (!c.success) expectFieldNamed(formatIssues(c.error.issues));
				else {
					const codes = (c.data.body.assets as IDataObject[]).map((a) => a.categoryCode).filter((x) => typeof x === 'string' && !(KNOWN_CATEGORY_CODES as readonly string[]).includes(x as string));
					expect(rules.validateCalculation(JSON.parse(JSON.stringify(c.data.body)), { country: 'lv', periods: [c.data.body.period], extraCategoryCodes: codes })).toEqual([]);
				}
				const i = assetIdentifiersRequest.safeParse(ids);
				if (!i.success) expectFieldNamed(formatIssues(i.error.issues));
				else expect(rules.validateAssetIdentifiers({ assetIdentifiers: i.data.assetIdentifiers })).toEqual([]);
				const r = rentalContractRequest.safeParse(ref);
				if (!r.success) expectFieldNamed(formatIssues(r.error.issues));
				// An accepted identifier can never leave its place in the path.
				else expect(`${r.data.productCode}/${r.data.contractUuid}`).toMatch(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9][A-Za-z0-9_-]*$/);
			}),
			{ numRuns: RUNS },
		);
	});
});

/** Field parameters turned into a JSON body without validation, to feed the JSON mode plausible input. */
function fromFieldsLoose(parameters: object): unknown {
	try {
		return buildBodyFromFields((name, fallback) => (parameters as IDataObject)[name] ?? fallback);
	} catch {
		return {};
	}
}
