import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { CATEGORY_OPTIONS, CUSTOM_CATEGORY } from '../../../shared/domain';
import { convert, field, type FormShape } from './formMap';

/** Inbank's ASSET_MODEL_NOT_FOUND in words, for every operation that sends assets or activates them. */
export const ASSET_MODEL_NOT_FOUND_TEXT =
	'Inbank does not know the asset model (check modelId against Get asset conditions)';

/**
 * The asset list of rentalApplicationData, shared by every operation that sends assets (create, and
 * the rental calculation). Fields inside a fixedCollection that depend on a sibling (`type`) are shown
 * by the editor but dropped by declarative routing, so the body is built in code (assetFields).
 * A new row is Model Based, as the hero device must be; an asset sent without a type is Category Based
 * (Inbank's meaning, see assetFields).
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
						options: CATEGORY_OPTIONS,
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

/**
 * Inbank's meaning of an asset without a type: Category Based (the request schema reads it the same
 * way). The form always gives a type (a new row defaults to Model Based); an expression or a saved row
 * without one is read as Inbank would read it.
 */
const typeOf = (entry: IDataObject) => entry.type ?? 'CATEGORY_BASED';

/** An asset entry of the form as Inbank's asset object: only what its type uses. */
export function assetFields(opts: { grossPrice?: boolean } = {}): FormShape {
	return {
		type: field('type'),
		modelId: field('modelId', { when: (entry) => typeOf(entry) === 'MODEL_BASED' }),
		categoryCode: field('categoryCode', {
			when: (entry) => typeOf(entry) !== 'MODEL_BASED',
			convert: (value, _path, entry) => (value === CUSTOM_CATEGORY ? entry?.customCategoryCode : value),
		}),
		modelName: field('modelName'),
		netPrice: field('netPrice'),
		// 0 is the editor's "not set" for the optional gross price.
		...(opts.grossPrice
			? { grossPrice: field('grossPrice', { convert: (value) => (value === 0 ? undefined : convert.text(value)) }) }
			: {}),
	};
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
