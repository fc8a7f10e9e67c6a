// Devices the sandbox knows, for Get Asset Conditions (detailed-asset-model) and for checking
// modelIds. Prices are net (without VAT), in EUR.
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

export const VAT = { ee: 0.24, lv: 0.21, lt: 0.21, pl: 0.23, cz: 0.21 };

export function findModel(identifierType, identifier) {
	const wanted = String(identifier).trim().toUpperCase();
	return CATALOGUE.find((model) =>
		identifierType === 'EAN' ? model.ean === wanted : model.manufacturerProductCode.toUpperCase() === wanted,
	);
}

export function modelById(id) {
	return CATALOGUE.find((model) => model.id === id);
}

export function detailedAssetModel(model, country) {
	const vat = VAT[country] ?? 0.21;
	const gross = (net) => Math.round(net * (1 + vat) * 100) / 100;
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
