import type { IDataObject, INodeProperties } from 'n8n-workflow';

/** Inbank's ASSET_MODEL_NOT_FOUND in words, for every operation that sends assets or activates them. */
export const ASSET_MODEL_NOT_FOUND_TEXT =
	'Inbank does not know the asset model (check modelId against Get asset conditions)';

/** Marker value of the category picker for a code agreed with Inbank outside the published list. */
export const CUSTOM_CATEGORY = '__custom__';

/**
 * The asset list of rentalApplicationData, shared by every operation that sends assets (create, and
 * the rental calculation). Fields inside a fixedCollection that depend on a sibling (`type`) are shown
 * by the editor but dropped by declarative routing, so the body is built in code (buildAssets).
 */
export function assetsProperty(opts: { grossPrice?: boolean } = {}): INodeProperties {
	return {
		displayName: 'Assets',
		name: 'assets',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		required: true,
		default: {
			asset: [{ type: 'MODEL_BASED', modelId: '', modelName: '', netPrice: 0 }],
		},
		placeholder: 'Add Asset',
		description:
			'The items to rent. The first asset is the hero device (the main rented device): it must be Model Based with a Model ID. Add-ons and fees follow as Category Based assets.',
		options: [
			{
				displayName: 'Asset',
				name: 'asset',
				values: [
					{
						displayName: 'Asset Type',
						name: 'type',
						type: 'options',
						options: [
							{
								name: 'Model Based',
								value: 'MODEL_BASED',
								description: 'A device identified by its Inbank model ID (required for the hero device)',
							},
							{
								name: 'Category Based',
								value: 'CATEGORY_BASED',
								description: 'An item identified by its category, such as an add-on or a shipping fee',
							},
						],
						default: 'MODEL_BASED',
						description: 'How Inbank identifies the item',
						// n8n drops a hidden field's value, and Model ID is hidden for Category Based: say so before it happens.
						hint: 'Changing to Category Based clears Model ID (n8n does not keep hidden fields).',
					},
					{
						displayName: 'Category Code',
						name: 'categoryCode',
						type: 'options',
						options: [
							{ name: 'Add-On', value: 'add_on', description: 'Code add_on' },
							{ name: 'Computer', value: 'computer', description: 'Code computer (Smart Rent)' },
							{ name: 'Copying Fee (Latvia Only)', value: 'copying_fee', description: 'Code copying_fee; Inbank accepts it in Latvia only' },
							{ name: 'Other (Code Agreed With Inbank)', value: CUSTOM_CATEGORY, description: 'Type the code below' },
							{ name: 'Phone', value: 'phone', description: 'Code phone (Smart Rent)' },
							{ name: 'Shipping Fee', value: 'shipping_fee', description: 'Code shipping_fee' },
							{ name: 'Tablet', value: 'tablet', description: 'Code tablet (Smart Rent)' },
							{ name: 'Watch', value: 'watch', description: 'Code watch (Smart Rent)' },
						],
						default: 'add_on',
						displayOptions: { show: { type: ['CATEGORY_BASED'] } },
						description: 'The asset’s category from Inbank’s list, or a code agreed with Inbank',
					},
					{
						displayName: 'Custom Category Code',
						name: 'customCategoryCode',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'extended_warranty',
						displayOptions: { show: { type: ['CATEGORY_BASED'], categoryCode: [CUSTOM_CATEGORY] } },
						description: 'A category code Inbank agreed with your shop (lowercase letters, digits and _)',
					},
					...(opts.grossPrice
						? [
								{
									displayName: 'Gross Price',
									name: 'grossPrice',
									type: 'number',
									typeOptions: { minValue: 0, numberPrecision: 2 },
									default: 0,
									description: 'Price of the item with VAT (optional; 0 = not sent)',
								} satisfies INodeProperties,
							]
						: []),
					{
						displayName: 'Model ID',
						name: 'modelId',
						type: 'string',
						default: '',
						required: true,
						displayOptions: { show: { type: ['MODEL_BASED'] } },
						description:
							'Inbank’s identifier of the device model, as returned by Get asset conditions (its modelId)',
					},
					{
						displayName: 'Model Name',
						name: 'modelName',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'iPhone 15 128GB',
						description: 'Title of the item, shown to the customer',
					},
					{
						displayName: 'Net Price',
						name: 'netPrice',
						type: 'number',
						typeOptions: { minValue: 0, numberPrecision: 2 },
						default: 0,
						required: true,
						description: 'Price of the item without VAT, in the request currency',
					},
				],
			},
		],
	};
}

/** Turns the editor's asset entries into Inbank's asset objects, sending only what the type uses. */
export function buildAssets(value: unknown): unknown {
	const entries = (value as IDataObject | undefined)?.asset;
	if (!Array.isArray(entries)) return [];
	return (entries as IDataObject[]).map((entry) => {
		const type = entry.type ?? 'MODEL_BASED';
		const out: IDataObject = { type };
		if (type === 'MODEL_BASED') out.modelId = entry.modelId;
		else {
			out.categoryCode =
				entry.categoryCode === CUSTOM_CATEGORY ? entry.customCategoryCode : entry.categoryCode;
		}
		out.modelName = entry.modelName;
		out.netPrice = entry.netPrice;
		// 0 is the editor's "not set" for the optional gross price.
		if (entry.grossPrice !== undefined && entry.grossPrice !== '' && entry.grossPrice !== 0) {
			out.grossPrice = entry.grossPrice;
		}
		return out;
	});
}

/** Trade-in and campaign discount, as create and the rental calculation both take them. */
export const grossAmountFields: INodeProperties[] = [
	{
		displayName: 'Gross Campaign Discount',
		name: 'grossCampaignDiscount',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 0,
		description: 'Gross amount of the campaign discount',
	},
	{
		displayName: 'Gross Trade-In Amount',
		name: 'grossTradeInAmount',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 0,
		description: 'Gross amount of the traded-in asset',
	},
];
