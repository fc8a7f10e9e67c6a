import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { name as packageName, version as packageVersion } from '../../../../package.json';
import { countryIssues, type PosSessionCreateRequest } from '../../contract/posSession';
import { formatPath } from '../../contract/primitives';
import { buildAssets } from '../shared/assets';
import { parseJsonParameter } from '../shared/validation';

/**
 * The body of Create POS session: built from the Fields mode parameters or taken from the JSON mode,
 * before the request schema (contract/posSession.ts) validates it.
 */

/** integrationInfo sent unless the user gives their own: tells Inbank which integration sent it. */
export const DEFAULT_INTEGRATION_INFO = {
	ecom_platform: 'n8n',
	Module: `${packageName}@${packageVersion}`,
};

/** The raw body of one item, from whichever input mode the node is in. */
export function readCreateBody(this: IExecuteFunctions, itemIndex: number): unknown {
	const inputMode = this.getNodeParameter('inputMode', itemIndex, 'fields') as string;
	if (inputMode !== 'json') {
		return buildBodyFromFields((name, fallback) => this.getNodeParameter(name, itemIndex, fallback));
	}
	const raw = parseJsonParameter(this.getNodeParameter('requestBody', itemIndex), 'Request Body (JSON)', {
		required: true,
	});
	return withIntegrationInfo(raw);
}

/** Reads the Fields mode parameters into the request body, leaving out what the user did not set. */
export function buildBodyFromFields(get: (name: string, fallback?: unknown) => unknown): IDataObject {
	const fields = (get('additionalFields', {}) ?? {}) as IDataObject;
	const text = (value: unknown) => (value === '' || value === undefined || value === null ? undefined : value);
	const numberOrUndefined = (key: string) =>
		fields[key] === undefined || fields[key] === '' ? undefined : fields[key];

	const customer = (get('customerData', {}) as IDataObject)?.customer as IDataObject | undefined;
	const contact = (get('customerContactData', {}) as IDataObject)?.contact as IDataObject | undefined;
	const merchants = (get('merchants', {}) as IDataObject)?.merchant as IDataObject[] | undefined;
	const urls = (get('partnerUrls', {}) as IDataObject)?.urls as IDataObject | undefined;
	const integrationInfo = parseJsonParameter(fields.integrationInfo, 'integrationInfo');

	const body: Record<string, unknown> = {
		productCode: get('productCode'),
		currency: get('currency', 'EUR'),
		locale: get('locale'),
		validUntil: text(fields.validUntil),
		userIp: text(fields.userIp),
		customerData: customer
			? {
					identityCode: customer.identityCode ?? '',
					firstName: customer.firstName ?? '',
					lastName: customer.lastName ?? '',
					gender: text(customer.gender),
				}
			: undefined,
		customerContactData: contact
			? { email: contact.email ?? '', mobile: contact.mobile ?? '' }
			: undefined,
		purchase: {
			purchaseReference: text(fields.purchaseReference),
			description: get('purchaseDescription'),
			additionalDetails: emptyObjectToUndefined(
				parseJsonParameter(fields.purchaseAdditionalDetails, 'purchase.additionalDetails'),
			),
			merchant:
				merchants && merchants.length > 0
					? merchants.map((entry) => ({
							merchantOrderReference: entry.merchantOrderReference ?? '',
							merchantDomainName: entry.merchantDomainName ?? '',
						}))
					: undefined,
		},
		rentalApplicationData: {
			insuranceUsed: get('insuranceUsed', true),
			grossCampaignDiscount: numberOrUndefined('grossCampaignDiscount'),
			grossTradeInAmount: numberOrUndefined('grossTradeInAmount'),
			assets: buildAssets(get('assets', {})),
			period: get('period'),
		},
		partnerUrls: urls
			? {
					returnUrl: urls.returnUrl ?? '',
					cancelUrl: urls.cancelUrl ?? '',
					callbackUrl: text(urls.callbackUrl),
				}
			: undefined,
		// The default here rather than in withIntegrationInfo: no second copy of the body per item.
		integrationInfo: integrationInfo === undefined ? DEFAULT_INTEGRATION_INFO : integrationInfo,
		additionalData: emptyObjectToUndefined(
			parseJsonParameter(fields.additionalData, 'additionalData'),
		),
	};
	return dropUndefined(body) as IDataObject;
}

function emptyObjectToUndefined(value: unknown): unknown {
	if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) {
		return undefined;
	}
	return value;
}

function dropUndefined(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(dropUndefined);
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		// for…in over a plain object: no entries array per object (this runs for every item).
		for (const key in value) {
			const entry = (value as Record<string, unknown>)[key];
			if (entry !== undefined) out[key] = dropUndefined(entry);
		}
		return out;
	}
	return value;
}

/** integrationInfo identifies this package unless the user gave their own. */
function withIntegrationInfo(raw: unknown): unknown {
	if (raw && typeof raw === 'object' && !Array.isArray(raw) && (raw as IDataObject).integrationInfo === undefined) {
		return { ...(raw as IDataObject), integrationInfo: DEFAULT_INTEGRATION_INFO };
	}
	return raw;
}

/** Rules that need the credential's country, as sentences naming the field. */
export function countryProblems(body: PosSessionCreateRequest, country: string): string[] {
	return countryIssues(body, country).map((issue) => `${formatPath(issue.path)} ${issue.message}`);
}
