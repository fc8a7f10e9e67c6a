import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { z } from 'zod/v3';

import { EXAMPLE_REQUEST_BODY } from '../../../nodes/InbankSmartRent/actions/posSession/create.operation';
import { DEFAULT_INTEGRATION_INFO } from '../../../nodes/InbankSmartRent/actions/posSession/createBody';
import { assetsProperty } from '../../../nodes/InbankSmartRent/actions/shared/assets';
import { CUSTOM_CATEGORY, KNOWN_CATEGORY_CODES } from '../../../nodes/shared/domain';
import { checked } from '../../../nodes/shared/primitives';
import { fullExpectedBody, fullFieldParameters, minimalFieldParameters } from '../../support/fixtures';
import { createFromJson, createThroughExecute } from '../../support/through-execute';


class Refused extends Error {
	constructor(readonly problems: string[]) {
		super(problems.join('; '));
	}
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the body sent, read field by field below
type SentBody = any;

/** Fields-mode parameters -> the body Create POS session sends (through execute, n8n's defaults filled in). */
async function bodyFrom(parameters: INodeParameters, country = 'ee'): Promise<SentBody> {
	const outcome = await createThroughExecute(parameters, country);
	expect(outcome.crash).toBeUndefined();
	if (outcome.problems) throw new Refused(outcome.problems);
	return outcome.body;
}

/** A JSON-mode body -> the body Create POS session sends. */
async function jsonBody(body: unknown, country = 'ee'): Promise<SentBody> {
	const outcome = await createFromJson(body, country);
	expect(outcome.crash).toBeUndefined();
	if (outcome.problems) throw new Refused(outcome.problems);
	return outcome.body;
}

async function problemsOf(run: () => Promise<unknown>): Promise<string[]> {
	try {
		await run();
	} catch (error) {
		return error instanceof Refused ? error.problems : [`unexpected ${String(error)}`];
	}
	throw new Error('expected a validation failure, but the body was accepted');
}

function withAssets(asset: IDataObject[], base = minimalFieldParameters()): INodeParameters {
	return { ...base, assets: { asset } } as INodeParameters;
}

/** The JSON mode's default body with its placeholders replaced, as a user sends it. */
function filledExample() {
	const body = JSON.parse(JSON.stringify(EXAMPLE_REQUEST_BODY));
	body.productCode = 'smart_rent_ee';
	body.purchase = { purchaseReference: '1001', description: 'Order 1001' };
	body.rentalApplicationData.assets[0].modelId = 'apple-iphone-15-128';
	body.partnerUrls = {
		returnUrl: 'https://shop.test/inbank/return',
		cancelUrl: 'https://shop.test/inbank/cancel',
		callbackUrl: 'https://n8n.shop.test/webhook/x/callback',
	};
	return body;
}

const hero = { type: 'MODEL_BASED', modelId: 'm-1', modelName: 'Phone', netPrice: 500 };

describe('POS session body from the Fields mode', () => {
	it('sends every seed field exactly as described', async () => {
		expect(await bodyFrom(fullFieldParameters())).toEqual(fullExpectedBody());
	});

	it('sends only the required fields, Inbank defaults and integrationInfo when nothing optional is set', async () => {
		expect(await bodyFrom(minimalFieldParameters())).toEqual({
			productCode: 'smart_rent_ee',
			currency: 'EUR',
			locale: 'et-EE',
			purchase: { description: 'Order 1002' },
			rentalApplicationData: {
				insuranceUsed: true,
				assets: [{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'iPhone 15', netPrice: 799.9 }],
				period: 24,
			},
			integrationInfo: DEFAULT_INTEGRATION_INFO,
		});
	});

	it('sends modelId only for MODEL_BASED and categoryCode only for CATEGORY_BASED assets', async () => {
		const body = await bodyFrom(
			withAssets([
				{ ...hero, categoryCode: 'phone' },
				{ type: 'CATEGORY_BASED', modelId: 'left-over', categoryCode: 'shipping_fee', modelName: 'Ship', netPrice: 5 },
			]),
		);
		expect(body.rentalApplicationData.assets).toEqual([
			{ type: 'MODEL_BASED', modelId: 'm-1', modelName: 'Phone', netPrice: 500 },
			{ type: 'CATEGORY_BASED', categoryCode: 'shipping_fee', modelName: 'Ship', netPrice: 5 },
		]);
	});

	it('names the field when a Model Based (MODEL_BASED) asset has no modelId', async () => {
		expect(await problemsOf(async () => await bodyFrom(withAssets([{ ...hero, modelId: '' }])))).toContain(
			'Assets → Model ID (rentalApplicationData.assets[0].modelId): is required for a Model Based (MODEL_BASED) asset',
		);
	});

	it('refuses a hero device that is not MODEL_BASED', async () => {
		const problems = await problemsOf(async () =>
			await bodyFrom(withAssets([{ type: 'CATEGORY_BASED', categoryCode: 'phone', modelName: 'Phone', netPrice: 5 }])),
		);
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatch(/^Assets → Asset Type \(rentalApplicationData\.assets\[0\]\.type\): must be Model Based \(MODEL_BASED\): the first asset is the hero device/);
	});

	it('requires a category code on a later CATEGORY_BASED asset and a custom code when Other is chosen', async () => {
		const problems = await problemsOf(async () =>
			await bodyFrom(
				withAssets([
					hero,
					{ type: 'CATEGORY_BASED', categoryCode: CUSTOM_CATEGORY, customCategoryCode: '', modelName: 'X', netPrice: 1 },
				]),
			),
		);
		expect(problems).toEqual([
			'Assets → Category Code (rentalApplicationData.assets[1].categoryCode): is required for a Category Based (CATEGORY_BASED) asset',
		]);
	});

	it('requires at least one asset', async () => {
		expect(await problemsOf(async () => await bodyFrom(withAssets([])))).toEqual([
			'Assets (rentalApplicationData.assets): must hold at least the hero device (the first asset, Model Based)',
		]);
	});

	it('reports every bad asset, not only the first', async () => {
		const problems = await problemsOf(async () =>
			await bodyFrom(
				withAssets([
					{ ...hero, netPrice: -1 },
					{ type: 'CATEGORY_BASED', categoryCode: 'add_on', modelName: '', netPrice: 1 },
				]),
			),
		);
		expect(problems).toEqual([
			'Assets → Net Price (rentalApplicationData.assets[0].netPrice): must be at least 0 (got -1)',
			'Assets → Model Name (rentalApplicationData.assets[1].modelName): must not be empty',
		]);
	});

	it('omits optional groups that were not added, and requires their starred keys once added', async () => {
		const body = await bodyFrom(minimalFieldParameters());
		expect(body).not.toHaveProperty('customerData');
		expect(body).not.toHaveProperty('customerContactData');
		expect(body).not.toHaveProperty('partnerUrls');
		expect(body.purchase).not.toHaveProperty('merchant');

		const problems = await problemsOf(async () =>
			await bodyFrom(
				minimalFieldParameters({
					customerData: { customer: { identityCode: '38001085718', firstName: '', lastName: 'M' } },
					customerContactData: { contact: { email: 'not-an-email', mobile: '' } },
					merchants: { merchant: [{ merchantOrderReference: 'M-1', merchantDomainName: '' }] },
					partnerUrls: { urls: { returnUrl: 'https://shop.example.com/r', cancelUrl: '' } },
				}),
			),
		);
		expect(problems).toEqual([
			'Customer Data → First Name (customerData.firstName): must not be empty',
			'Customer Contact Data → Email (customerContactData.email): must be an email address',
			'Customer Contact Data → Mobile (customerContactData.mobile): must not be empty',
			'Merchants → Merchant Domain Name (purchase.merchant[0].merchantDomainName): must not be empty',
			'Partner URLs → Cancel URL (partnerUrls.cancelUrl): must not be empty',
		]);
	});

	it('sends gender only when chosen', async () => {
		const body = await bodyFrom(
			minimalFieldParameters({
				customerData: { customer: { identityCode: '1', firstName: 'A', lastName: 'B', gender: '' } },
			}),
		);
		expect(body.customerData).toEqual({ identityCode: '1', firstName: 'A', lastName: 'B' });
	});

	it.each([
		['799.90', 799.9],
		[' 19.5 ', 19.5],
		['0', 0],
		[12, 12],
	])('accepts the exact number %p for netPrice', async (given, expected) => {
		const body = await bodyFrom(withAssets([{ ...hero, netPrice: given }]));
		expect(body.rentalApplicationData.assets[0].netPrice).toBe(expected);
	});

	it.each([
		['799,90', 'must be a number such as 799.90 (got "799,90")'],
		['1e3', 'must be a number such as 799.90 (got "1e3")'],
		['12abc', 'must be a number such as 799.90 (got "12abc")'],
		[Number.NaN, 'must be a number such as 799.90 (got NaN)'],
		[Number.POSITIVE_INFINITY, 'must be a number such as 799.90 (got Infinity)'],
		['[object Object]', 'must be a number such as 799.90 (got "[object Object]")'],
		['', 'is required'],
	])('refuses %p for netPrice', async (given, message) => {
		expect(await problemsOf(async () => await bodyFrom(withAssets([{ ...hero, netPrice: given }])))).toEqual([
			`Assets → Net Price (rentalApplicationData.assets[0].netPrice): ${message}`,
		]);
	});

	it('accepts "24" as period and refuses fractions and zero', async () => {
		expect((await bodyFrom(minimalFieldParameters({ period: '24' }))).rentalApplicationData.period).toBe(24);
		expect(await problemsOf(async () => await bodyFrom(minimalFieldParameters({ period: 24.5 })))).toEqual([
			'Period (Months) (rentalApplicationData.period): must be a whole number (got 24.5)',
		]);
		expect(await problemsOf(async () => await bodyFrom(minimalFieldParameters({ period: 0 })))).toEqual([
			'Period (Months) (rentalApplicationData.period): must be greater than 0 (got 0)',
		]);
	});

	it('requires validUntil to carry a UTC offset', async () => {
		expect(
			await problemsOf(async () =>
				await bodyFrom(minimalFieldParameters({ additionalFields: { validUntil: '2030-02-17T11:10:00' } })),
			),
		).toEqual([
			'Additional Fields → Valid Until (validUntil): must be an ISO 8601 date-time with a UTC offset, such as 2021-02-17T11:10:00+02:00',
		]);
		expect(
			(await bodyFrom(minimalFieldParameters({ additionalFields: { validUntil: '2030-02-17T09:10:00.000Z' } })))
				.validUntil,
		).toBe('2030-02-17T09:10:00.000Z');
	});

	it('checks locale, currency, user IP and URLs', async () => {
		const problems = await problemsOf(async () =>
			await bodyFrom(
				minimalFieldParameters({
					locale: 'estonian',
					currency: 'eur',
					additionalFields: { userIp: '999.1.1.1' },
					partnerUrls: { urls: { returnUrl: 'shop/return', cancelUrl: 'https://shop.example.com/c' } },
				}),
			),
		);
		expect(problems).toEqual([
			'Currency (currency): must be EUR (the only currency Inbank lists)',
			'Locale (locale): must be a language-country code such as et-EE, lv-LV, pl-PL, cs-CZ or en-US',
			'Additional Fields → User IP (userIp): must be an IPv4 or IPv6 address',
			'Partner URLs → Return URL (partnerUrls.returnUrl): must be an http(s) URL such as https://shop.example.com/return',
		]);
	});

	it('names the JSON field that does not parse', async () => {
		expect(
			(
				await problemsOf(
					async () => await bodyFrom(minimalFieldParameters({ additionalFields: { additionalData: '{"a":' } })),
				)
			)[0],
		).toMatch(/^additionalData must be valid JSON \(/);
	});

	it('lets the user override integrationInfo', async () => {
		const body = await bodyFrom(
			minimalFieldParameters({ additionalFields: { integrationInfo: '{"ecom_platform":"agency-x"}' } }),
		);
		expect(body.integrationInfo).toEqual({ ecom_platform: 'agency-x' });
	});

	it('accepts copying_fee in Latvia only', async () => {
		const params = withAssets([
			hero,
			{ type: 'CATEGORY_BASED', categoryCode: 'copying_fee', modelName: 'Copying fee', netPrice: 2 },
		]);
		expect((await bodyFrom(params, 'lv')).rentalApplicationData.assets[1].categoryCode).toBe('copying_fee');
		expect(await problemsOf(async () => await bodyFrom(params, 'ee'))).toEqual([
			'Assets → Category Code (rentalApplicationData.assets[1].categoryCode): copying_fee is only available in Latvia (the credential\'s country is EE)',
		]);
	});

	it('offers every category code Inbank lists, plus a custom one', async () => {
		const values = (assetsProperty().options as Array<{ values: Array<{ name: string; options?: Array<{ value: string }> }> }>)[0].values;
		const offered = values.find((field) => field.name === 'categoryCode')?.options?.map((o) => o.value);
		expect(offered?.sort()).toEqual([...KNOWN_CATEGORY_CODES, CUSTOM_CATEGORY].sort());
	});
});

describe('POS session body from the JSON mode', () => {
	it('applies exactly the Fields mode rules: the same body validates to the same result', async () => {
		const fromFields = await bodyFrom(fullFieldParameters());
		expect(await jsonBody(JSON.parse(JSON.stringify(fromFields)), 'ee')).toEqual(fromFields);
	});

	it('adds integrationInfo when the JSON has none', async () => {
		expect((await jsonBody(filledExample(), 'ee')).integrationInfo).toEqual(DEFAULT_INTEGRATION_INFO);
	});

	it('accepts an asset without type as CATEGORY_BASED (Inbank\'s default) after the hero device', async () => {
		const body = filledExample();
		body.rentalApplicationData.assets[1] = { categoryCode: 'add_on', modelName: 'Case', netPrice: 5 };
		expect((await jsonBody(body, 'ee')).rentalApplicationData.assets[1]).toEqual({
			categoryCode: 'add_on',
			modelName: 'Case',
			netPrice: 5,
		});
		delete body.rentalApplicationData.assets[1].categoryCode;
		expect(await problemsOf(async () => await jsonBody(body, 'ee'))).toEqual([
			'rentalApplicationData.assets[1].categoryCode is required for a Category Based (CATEGORY_BASED) asset (an asset without type is Category Based)',
		]);
	});

	it('refuses unknown keys, wrong types and missing required fields with their paths', async () => {
		const problems = await problemsOf(async () =>
			await jsonBody(
				{
					productCode: 'p',
					currency: 'EUR',
					locale: 'et-EE',
					validUnitl: 'typo',
					customerData: 'Mari',
					purchase: { description: 'x' },
					rentalApplicationData: { assets: [null], period: 12, insuranceUsed: 'yes' },
				},
				'ee',
			),
		);
		expect(problems).toEqual([
			'customerData must be an object (identityCode, firstName, lastName, gender) (got string)',
			'rentalApplicationData.insuranceUsed must be true or false (got string)',
			'rentalApplicationData.assets[0] must be an object with type, modelName and netPrice (got null)',
			'request body has unknown key "validUnitl"',
		]);
	});

	it('refuses a body that is not an object', async () => {
		expect(await problemsOf(async () => await jsonBody([1, 2], 'ee'))).toEqual([
			'request body must be a JSON object (got array)',
		]);
	});
});

describe('checked: rules without zod effects', () => {
	const list = z.array(
		checked(z.object({ n: z.number() }), (value, path) =>
			path[path.length - 1] === 0 && value.n < 0
				? { problems: [{ path: ['n'], message: 'must not be negative in the first entry' }] }
				: { value: { n: value.n * 2 } },
		),
	);

	it('converts what passes, and reports problems at the entry’s own path', async () => {
		expect(list.parse([{ n: 1 }, { n: -1 }])).toEqual([{ n: 2 }, { n: -2 }]);
		const result = list.safeParse([{ n: -1 }, { n: 'x' }]);
		expect(result.success).toBe(false);
		expect(result.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
			[[0, 'n'], 'must not be negative in the first entry'],
			[[1, 'n'], 'Expected number, received string'],
		]);
	});

	it('does not run the rule on a value its inner schema refused', async () => {
		const rule = jest.fn(() => ({ value: 1 }));
		expect(checked(z.string(), rule).safeParse(5).success).toBe(false);
		expect(rule).not.toHaveBeenCalled();
	});

	it('works in async parsing too', async () => {
		const asyncInner = z.string().refine(async (value) => value.length > 1, { message: 'too short' });
		const upper = checked(asyncInner, (value) => ({ value: value.toUpperCase() }));
		await expect(upper.parseAsync('ab')).resolves.toBe('AB');
		const refused = await upper.safeParseAsync('a');
		expect(refused.error?.issues.map((issue) => issue.message)).toEqual(['too short']);
	});

});
