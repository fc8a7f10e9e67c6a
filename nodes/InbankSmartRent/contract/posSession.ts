import { z } from 'zod/v3';

import {
	amount,
	checked,
	exactNumber,
	httpUrl,
	jsonObject,
	optionalText,
	problem,
	PRODUCT_CODE_MISSING,
	type Problem,
	requiredText,
} from '../../shared/primitives';
import { CANONICAL_UUID, CATEGORY_CODE, LATVIA_ONLY_CATEGORY_CODES } from '../../shared/domain';

/**
 * The POS session request of Inbank's partner API v3 (POST /partner/v3/shops/{shopUuid}/pos-sessions),
 * as Inbank's partner API documentation (POS session initiation) describes it. This is the single description of the
 * request: the node's types, its validation and its error messages all come from here.
 *
 * Where that page contradicts itself we follow the described meaning: customerData and
 * customerContactData are typed "string, required" but described as optional objects with allowed
 * keys; categoryCode is typed number but its values are strings; integrationInfo and additionalData
 * are typed string but described as key/value containers.
 */

const ASSET_TYPES = ['MODEL_BASED', 'CATEGORY_BASED'] as const;

const GENDERS = ['m', 'f'] as const;
export const CURRENCIES = ['EUR'] as const;

const assetShape = z
	.object(
		{
			// Inbank applies CATEGORY_BASED when type is missing; we keep that meaning when validating.
			type: z.enum(ASSET_TYPES).optional(),
			modelId: optionalText().optional(),
			categoryCode: optionalText()
				.regex(CATEGORY_CODE, { message: 'must be a category code such as add_on, shipping_fee or phone' })
				.optional(),
			modelName: requiredText(),
			netPrice: amount(),
		},
		{ invalid_type_error: 'must be an object with type, modelName and netPrice' },
	)
	.strict();

export type Asset = z.output<typeof assetShape>;

/** What the asset's type requires of it (modelId for MODEL_BASED, categoryCode for CATEGORY_BASED). */
function typeIssues(value: Asset): Problem[] {
	const type = value.type ?? 'CATEGORY_BASED';
	if (type === 'MODEL_BASED' && !value.modelId) {
		return [{ path: ['modelId'], message: 'is required for a Model Based (MODEL_BASED) asset' }];
	}
	if (type === 'CATEGORY_BASED' && !value.categoryCode) {
		const implicit = value.type ? '' : ' (an asset without type is Category Based)';
		return [{ path: ['categoryCode'], message: `is required for a Category Based (CATEGORY_BASED) asset${implicit}` }];
	}
	return [];
}

const HERO_DEVICE_MESSAGE =
	'must be Model Based (MODEL_BASED): the first asset is the hero device (the main rented device) and Inbank requires it to be Model Based with a Model ID';

function assetList<T extends typeof assetShape>(shape: T) {
	// One rule for the whole list (zod runs each refine as a ZodEffects, a cost per value, so not one per
	// asset). It runs once no asset has a value of the wrong type, and checks every asset: a bad asset does
	// not hide the others; the first asset is the hero device.
	return z
		.array(shape, { invalid_type_error: 'must be a list of assets', required_error: 'is required' })
		.min(1, { message: 'must hold at least the hero device (the first asset, Model Based)' })
		.superRefine((list, ctx) => {
			list.forEach((value, index) => {
				const problems =
					index === 0 && value.type !== 'MODEL_BASED'
						? [{ path: ['type'], message: HERO_DEVICE_MESSAGE }]
						: typeIssues(value as Asset);
				for (const found of problems) {
					ctx.addIssue({ code: z.ZodIssueCode.custom, message: found.message, path: [index, ...(found.path ?? [])] });
				}
			});
		});
}

/**
 * The asset list. Each asset is checked on its own so that one bad asset does not hide the others,
 * and the hero-device rule (first asset MODEL_BASED with a modelId) is reported on the first asset.
 */
export const assets = assetList(assetShape);

/** The rental calculation also takes each asset's gross price (Inbank's documentation). */
export const calculationAssets = assetList(
	assetShape.extend({ grossPrice: amount().optional() }) as unknown as typeof assetShape,
);

export const customerData = z
	.object(
		{
			identityCode: requiredText(),
			firstName: requiredText(),
			lastName: requiredText(),
			gender: z.enum(GENDERS).optional(),
		},
		{ invalid_type_error: 'must be an object (identityCode, firstName, lastName, gender)' },
	)
	.strict();

export const customerContactData = z
	.object(
		{
			email: requiredText().email({ message: 'must be an email address' }),
			mobile: requiredText().regex(/^\+?[0-9][0-9 ()-]{4,}$/, {
				message: 'must be a phone number such as +37255555555',
			}),
		},
		{ invalid_type_error: 'must be an object (email, mobile)' },
	)
	.strict();

export const merchant = z
	.object(
		{
			merchantOrderReference: requiredText(),
			merchantDomainName: requiredText(),
		},
		{ invalid_type_error: 'must be an object (merchantOrderReference, merchantDomainName)' },
	)
	.strict();

export const purchase = z
	.object(
		{
			purchaseReference: optionalText().optional(),
			description: requiredText(),
			additionalDetails: jsonObject().optional(),
			merchant: z
				.array(merchant, { invalid_type_error: 'must be a list of merchants' })
				.min(1, { message: 'must hold at least one merchant when sent' })
				.optional(),
		},
		{ invalid_type_error: 'must be an object', required_error: 'is required' },
	)
	.strict();

export const rentalApplicationData = z
	.object(
		{
			insuranceUsed: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
			grossCampaignDiscount: amount().optional(),
			grossTradeInAmount: amount().optional(),
			assets,
			period: exactNumber({ min: 0, exclusiveMin: true, integer: true }),
		},
		{ invalid_type_error: 'must be an object', required_error: 'is required' },
	)
	.strict();

export const partnerUrls = z
	.object(
		{
			returnUrl: httpUrl(),
			cancelUrl: httpUrl(),
			callbackUrl: httpUrl().optional(),
		},
		{ invalid_type_error: 'must be an object (returnUrl, cancelUrl, callbackUrl)' },
	)
	.strict();

export const posSessionCreateRequest = z
	.object(
		{
			productCode: requiredText(PRODUCT_CODE_MISSING),
			currency: z.enum(CURRENCIES, {
				errorMap: () => ({ message: 'must be EUR (the only currency Inbank lists)' }),
			}),
			locale: requiredText().regex(/^[a-z]{2}-[A-Z]{2}$/, {
				message: 'must be a language-country code such as et-EE, lv-LV, pl-PL, cs-CZ or en-US',
			}),
			validUntil: checked(requiredText(), (value) => {
				if (!ISO_WITH_OFFSET.test(value) || Number.isNaN(Date.parse(value))) {
					return problem('must be an ISO 8601 date-time with a UTC offset, such as 2021-02-17T11:10:00+02:00');
				}
				// Checked when the item is validated: a session that expires before it starts is a mistake.
				if (Date.parse(value) <= Date.now()) return problem('must be in the future');
				return { value };
			}).optional(),
			userIp: requiredText().ip({ message: 'must be an IPv4 or IPv6 address' }).optional(),
			customerData: customerData.optional(),
			customerContactData: customerContactData.optional(),
			purchase,
			rentalApplicationData,
			partnerUrls: partnerUrls.optional(),
			integrationInfo: jsonObject().optional(),
			additionalData: jsonObject().optional(),
		},
		{ invalid_type_error: 'must be a JSON object' },
	)
	.strict();

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export type PosSessionCreateRequest = z.output<typeof posSessionCreateRequest>;

/** Rules that depend on the shop's country rather than on the body alone. */
export function assetCountryIssues(
	list: Asset[],
	country: string,
	path: Array<string | number>,
): Array<{ path: Array<string | number>; message: string }> {
	const issues: Array<{ path: Array<string | number>; message: string }> = [];
	list.forEach((item, index) => {
		if (item.categoryCode && LATVIA_ONLY_CATEGORY_CODES.includes(item.categoryCode) && country !== 'lv') {
			issues.push({
				path: [...path, index, 'categoryCode'],
				message: `${item.categoryCode} is only available in Latvia (the credential's country is ${country.toUpperCase()})`,
			});
		}
	});
	return issues;
}

export function countryIssues(body: PosSessionCreateRequest, country: string) {
	return assetCountryIssues(body.rentalApplicationData.assets, country, ['rentalApplicationData', 'assets']);
}

const posSessionCreated = z
	.object({
		uuid: z.string().min(1).optional(),
		posSessionUuid: z.string().min(1).optional(),
		status: z.string().min(1),
		redirectUrl: z.string().url(),
	})
	.passthrough();

/** What Inbank answers with 201. Some integrations name the id posSessionUuid. */
export const posSessionCreateResponse = checked<typeof posSessionCreated>(posSessionCreated, (value) =>
	(value.uuid ?? value.posSessionUuid)
		? { value }
		: { problems: [{ path: ['uuid'], message: 'has neither uuid nor posSessionUuid' }] },
);

/** GET pos-sessions/{uuid}: the fields this package reads; everything else is passed on. */
export const posSessionRecord = z
	.object({
		uuid: z.string().min(1),
		status: z.string().min(1),
		creditContractUuid: z.string().nullish(),
		productCode: z.string().nullish(),
	})
	.passthrough();

/** A session or contract uuid: canonical 8-4-4-4-12 (shared/domain.ts), sent in lower case. */
export const uuidParameter = (what: string) =>
	requiredText()
		.regex(CANONICAL_UUID, { message: `must be ${what} (8-4-4-4-12 hex digits), such as 5e3a459a-aada-4d81-b6ad-09cb9483c8bf` })
		.toLowerCase();
