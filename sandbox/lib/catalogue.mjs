// The devices the sandbox knows: answers Get Asset Conditions (detailed-asset-model) and tells which
// identifier types a contract's hero device uses. Prices are net (without VAT), in EUR. Made-up data.
import { VAT, round2 } from './pricing.mjs';

export const CATALOGUE = [
	{
		id: 'apple-iphone-15-128',
		name: 'Apple iPhone 15 128GB',
		ean: '0195949036965',
		manufacturerProductCode: 'MTP03QN/A',
		periods: [12, 24, 36],
		assetIdentifierTypes: ['IMEI', 'SERIAL_NUMBER'],
		limits: { minNetPrice: 300, maxNetPrice: 2500 },
		insuranceRequirement: 'OPTIONAL',
	},
	{
		id: 'samsung-galaxy-s24-256',
		name: 'Samsung Galaxy S24 256GB',
		ean: '8806095299501',
		manufacturerProductCode: 'SM-S921BZKGEUE',
		periods: [12, 24, 36],
		assetIdentifierTypes: ['IMEI'],
		limits: { minNetPrice: 300, maxNetPrice: 2500 },
		insuranceRequirement: 'OPTIONAL',
	},
	{
		id: 'apple-ipad-air-11-m2',
		name: 'Apple iPad Air 11" M2 128GB Wi-Fi',
		ean: '0195949263354',
		manufacturerProductCode: 'MUWD3HC/A',
		periods: [12, 24, 36],
		assetIdentifierTypes: ['SERIAL_NUMBER'],
		limits: { minNetPrice: 400, maxNetPrice: 2000 },
		insuranceRequirement: 'OPTIONAL',
	},
	{
		id: 'apple-macbook-air-13-m3',
		name: 'Apple MacBook Air 13" M3',
		ean: '0195949149085',
		manufacturerProductCode: 'MRXN3ZE/A',
		periods: [24, 36],
		assetIdentifierTypes: ['SERIAL_NUMBER'],
		limits: { minNetPrice: 800, maxNetPrice: 4000 },
		insuranceRequirement: 'MANDATORY',
	},
	{
		id: 'apple-watch-s9-41',
		name: 'Apple Watch Series 9 41mm',
		ean: '0194253939061',
		manufacturerProductCode: 'MR8W3QF/A',
		periods: [12, 24],
		assetIdentifierTypes: ['SERIAL_NUMBER'],
		limits: { minNetPrice: 200, maxNetPrice: 1200 },
		insuranceRequirement: 'NONE',
	},
];

export const IDENTIFIER_LOOKUP_TYPES = ['EAN', 'MANUFACTURER_PRODUCT_CODE'];

/** A model by EAN or manufacturer product code (case and surrounding spaces ignored). */
export function findModel(identifierType, identifier) {
	const wanted = String(identifier).trim().toUpperCase();
	return CATALOGUE.find((model) => (identifierType === 'EAN' ? model.ean : model.manufacturerProductCode.toUpperCase()) === wanted);
}

export function modelById(id) {
	return CATALOGUE.find((model) => model.id === id);
}

/** The detailed-asset-model answer, with gross limits in the shop country's VAT. */
export function detailedAssetModel(model, country) {
	const gross = (net) => round2(net * (1 + (VAT[country] ?? 0.21)));
	return {
		id: model.id,
		name: model.name,
		periods: model.periods,
		assetIdentifierTypes: model.assetIdentifierTypes,
		identifiers: [
			{ identifierType: 'EAN', identifier: model.ean },
			{ identifierType: 'MANUFACTURER_PRODUCT_CODE', identifier: model.manufacturerProductCode },
		],
		subscriptionTotalLimits: {
			minNetPrice: model.limits.minNetPrice,
			maxNetPrice: model.limits.maxNetPrice,
			minGrossPrice: gross(model.limits.minNetPrice),
			maxGrossPrice: gross(model.limits.maxNetPrice),
		},
		insuranceRequirement: model.insuranceRequirement,
	};
}
