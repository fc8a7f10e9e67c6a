import { z } from 'zod/v3';

import { amount, checked, exactNumber, PRODUCT_CODE_MISSING, requiredText } from '../../shared/primitives';
import { calculationAssets, uuidParameter } from './posSession';

/**
 * Smart Rent endpoints of the partner API v3, as Inbank documents them, under
 * /partner/v3/shops/{shopUuid}/rental/products/{productCode}/….
 */

const IDENTIFIER_TYPES = ['EAN', 'MANUFACTURER_PRODUCT_CODE'] as const;
const ASSET_IDENTIFIER_TYPES = ['IMEI', 'SERIAL_NUMBER'] as const;
/** The contract status that means "done" (activated). */
export const ACTIVATED = 'activated';

export const productCode = () =>
	requiredText(PRODUCT_CODE_MISSING).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, {
		message: 'must be a product code (letters, digits, _ . -), such as smart_rent_ee',
	});

export const contractUuid = () => uuidParameter('a contract uuid');

/** GET …/detailed-asset-model?identifierType=…&identifier=… */
export const assetConditionsRequest = z.object({
	productCode: productCode(),
	identifierType: z.enum(IDENTIFIER_TYPES),
	identifier: requiredText().max(100, { message: 'must be at most 100 characters' }),
});

export const assetConditionsResponse = z
	.object({
		id: z.union([z.string().min(1), z.number()]),
		name: z.string().nullish(),
	})
	.passthrough();

/** POST …/calculations */
export const calculationRequest = z.object({
	productCode: productCode(),
	body: z
		.object({
			period: exactNumber({ min: 0, exclusiveMin: true, integer: true }),
			insuranceUsed: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
			assets: calculationAssets,
			grossTradeInAmount: amount().optional(),
			grossCampaignDiscount: amount().optional(),
		})
		.strict(),
});

/** GET …/contracts/{contractUuid} */
export const rentalContractRequest = z.object({ productCode: productCode(), contractUuid: contractUuid() });

export const rentalContractResponse = z.object({ status: z.string().min(1) }).passthrough();

const IMEI = /^\d{15}$/;

const assetIdentifierShape = z
	.object(
		{
			identifierType: z.enum(ASSET_IDENTIFIER_TYPES),
			identifier: requiredText().max(100, { message: 'must be at most 100 characters' }),
		},
		{ invalid_type_error: 'must be an object (identifierType, identifier)' },
	)
	.strict();

/** An IMEI is sent as its 15 digits: spaces and dashes copied from a box label are dropped. */
const assetIdentifier = checked(assetIdentifierShape, (value) => {
	if (value.identifierType !== 'IMEI') return { value };
	const identifier = value.identifier.replace(/[\s-]/g, '');
	if (!IMEI.test(identifier)) return { problems: [{ path: ['identifier'], message: 'must be an IMEI of 15 digits' }] };
	return { value: { ...value, identifier } };
});

/** PATCH …/contracts/{contractUuid}/asset-identifiers: the hero device's identifiers only. */
export const assetIdentifiersRequest = z.object({
	productCode: productCode(),
	contractUuid: contractUuid(),
	assetIdentifiers: z
		.array(assetIdentifier, { invalid_type_error: 'must be a list' })
		.min(1, { message: 'must hold at least one identifier (the hero device’s IMEI or serial number)' }),
});

/** POST …/calculations answers with the rent and totals: an object, passed on as it is. */
export const calculationResponse = z.object({}).passthrough();
