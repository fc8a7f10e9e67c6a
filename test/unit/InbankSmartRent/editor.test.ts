// The editor as a merchant meets it (fields that guide, errors in the form's words).
import type { IDataObject, INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod/v3';

import { InbankApi } from '../../../credentials/InbankApi.credentials';
import { version } from '../../../package.json';
import {
	EXAMPLE_REQUEST_BODY,
	formLabels as createLabels,
} from '../../../nodes/InbankSmartRent/actions/posSession/create.operation';
import { formLabels as calculateLabels } from '../../../nodes/InbankSmartRent/actions/rentalProduct/calculateRent.operation';
import { formLabels as identifierLabels } from '../../../nodes/InbankSmartRent/actions/contract/updateAssetIdentifiers.operation';
import type { FieldLabeler } from '../../../nodes/InbankSmartRent/actions/shared/labels';
import { problemList } from '../../../nodes/InbankSmartRent/actions/shared/operation';
import { posSessionCreateRequest } from '../../../nodes/InbankSmartRent/contract/posSession';
import { assetIdentifiersRequest, calculationRequest } from '../../../nodes/InbankSmartRent/contract/smartRent';
import { InbankSmartRent } from '../../../nodes/InbankSmartRent/InbankSmartRent.node';
import { fakeExecuteContext } from '../../support/fake-context';
import { credentials, minimalFieldParameters, SHOP_UUID } from '../../support/fixtures';
import { createFromJson, createThroughExecute, problemsOf } from '../../support/through-execute';

const node = new InbankSmartRent();

function propertiesNamed(name: string, operation?: string): INodeProperties[] {
	return node.description.properties.filter(
		(property) =>
			property.name === name &&
			(!operation || (property.displayOptions?.show?.operation as string[] | undefined)?.includes(operation)),
	);
}

/** Runs one item through execute with an in-memory 200/201 answer; the calls made and the error. */
async function runNode(parameters: INodeParameters, credentialOverrides: Record<string, unknown> = {}) {
	const fake = fakeExecuteContext({
		nodeType: node,
		parameters,
		credentials: credentials('http://127.0.0.1:9', credentialOverrides),
		respond: () => ({
			statusCode: 201,
			body: JSON.stringify({ uuid: 'u-1', status: 'pending', redirectUrl: 'https://x.test/r', id: 'm-1' }),
		}),
	});
	let error: unknown;
	let output: unknown;
	try {
		output = await node.execute.call(fake.context);
	} catch (caught) {
		error = caught;
	}
	return { calls: fake.httpCalls, error: error as NodeOperationError | undefined, output };
}

describe('1. Input Mode and the JSON default', () => {
	it('says on Input Mode that switching clears the other mode’s values', () => {
		const [inputMode] = propertiesNamed('inputMode');
		expect(inputMode.hint).toMatch(/Switching the mode clears/);
	});

	it('refuses the default JSON body as is, naming each example value, and sends nothing', async () => {
		const result = await createFromJson(EXAMPLE_REQUEST_BODY);
		expect(result.body).toBeUndefined();
		expect(result.problems).toEqual(
			expect.arrayContaining([
				'Request Body (JSON) → productCode still holds the example value "your_smart_rent_product_code" of the default body: replace it with your own',
				expect.stringMatching(/^Request Body \(JSON\) → rentalApplicationData\.assets\[0\]\.modelId still holds the example value/),
				expect.stringMatching(/^Request Body \(JSON\) → partnerUrls\.returnUrl still holds the example value/),
				expect.stringMatching(/^Request Body \(JSON\) → purchase\.purchaseReference still holds/),
			]),
		);
	});

	it('refuses one left-over example value in an otherwise filled-in body', async () => {
		const body = { ...minimalJsonBody(), productCode: ' your_smart_rent_product_code ' };
		const result = await createFromJson(body);
		expect(result.problems).toEqual([
			'Request Body (JSON) → productCode still holds the example value "your_smart_rent_product_code" of the default body: replace it with your own',
		]);
	});

	it('the default body is the stored default of Request Body (JSON)', () => {
		const [requestBody] = propertiesNamed('requestBody');
		expect(JSON.parse(requestBody.default as string)).toEqual(EXAMPLE_REQUEST_BODY);
		expect(requestBody.hint).toMatch(/refused before anything is sent/);
	});
});

function minimalJsonBody(): IDataObject {
	return {
		productCode: 'smart_rent_ee',
		currency: 'EUR',
		locale: 'et-EE',
		purchase: { description: 'Order 1' },
		rentalApplicationData: {
			assets: [{ type: 'MODEL_BASED', modelId: 'apple-iphone-15-128', modelName: 'iPhone 15', netPrice: 799.9 }],
			period: 24,
		},
	};
}

describe('2. the credential', () => {
	const credential = new InbankApi();
	const field = (name: string) => credential.properties.find((p) => p.name === name)!;

	it('writes the host pattern without anything an HTML renderer takes for a tag', () => {
		expect(field('country').hint).not.toMatch(/[<>]/);
		expect(field('country').hint).toContain('https://demo-api.inbank.{country code}');
	});

	it('shows obviously-example placeholders, not the sandbox’s shop or address', () => {
		expect(field('shopUuid').placeholder).toBe('e.g. 00000000-0000-4000-8000-000000000000');
		expect(field('baseUrl').placeholder).toBe('e.g. https://inbank-sandbox.example.com');
		const shown = JSON.stringify(credential.properties);
		expect(shown).not.toContain(SHOP_UUID);
		expect(shown).not.toContain('127.0.0.1');
	});

	it('explains an unreachable host at the top of the form, under the test’s banner (n8n shows only the network code)', () => {
		expect(credential.properties[0].name).toBe('unreachableNotice');
		expect(field('unreachableNotice').type).toBe('notice');
		expect(field('unreachableNotice').displayName).toMatch(/ENOTFOUND, ECONNREFUSED.*cannot be reached: check Environment, Country and Base URL/);
		expect(field('unreachableNotice').displayName.length).toBeLessThanOrEqual(150);
	});
});

/** Every path at which the schema can report a problem (list entries as index 0). */
function reportablePaths(schema: z.ZodTypeAny, path: Array<string | number> = []): Array<Array<string | number>> {
	if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return reportablePaths(schema.unwrap(), path);
	if (schema instanceof z.ZodEffects) return reportablePaths(schema.innerType(), path);
	const here = path.length > 0 ? [path] : [];
	if (schema instanceof z.ZodObject) {
		return [
			...here,
			...Object.entries(schema.shape as Record<string, z.ZodTypeAny>).flatMap(([key, inner]) =>
				reportablePaths(inner, [...path, key]),
			),
		];
	}
	if (schema instanceof z.ZodArray) return [...here, ...reportablePaths(schema.element, [...path, 0])];
	return here;
}

describe('3. errors in the form’s words', () => {
	// Objects the node builds itself in Fields mode: never reported there (no field of their own).
	const built = new Set(['purchase', 'rentalApplicationData', 'body', 'body.assets[0]', 'rentalApplicationData.assets[0]', 'purchase.merchant[0]', 'assetIdentifiers[0]']);
	const cases: Array<[string, z.ZodTypeAny, FieldLabeler]> = [
		['Create POS session', posSessionCreateRequest, createLabels],
		['Calculate rent', calculationRequest, calculateLabels],
		['Update asset identifiers', assetIdentifiersRequest, identifierLabels],
	];

	it.each(cases)('%s: every path the schema can report has a form label', (_name, schema, labels) => {
		const paths = reportablePaths(schema)
			.map((path) => ({ path, key: path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').slice(1) }))
			.filter(({ key }) => !built.has(key));
		expect(paths.length).toBeGreaterThan(3);
		const missing = paths.filter(({ path }) => !labels(path)).map(({ key }) => key);
		expect(missing).toEqual([]);
	});

	it('takes the words from the node’s own parameter definitions', () => {
		expect(createLabels(['rentalApplicationData', 'assets', 2, 'type'])).toBe('Assets → Asset Type');
		expect(createLabels(['customerContactData', 'email'])).toBe('Customer Contact Data → Email');
		expect(createLabels(['partnerUrls', 'callbackUrl'])).toBe('Callback URL');
		expect(createLabels(['userIp'])).toBe('Additional Fields → User IP');
		expect(createLabels(['purchase', 'merchant', 0, 'merchantDomainName'])).toBe('Merchants → Merchant Domain Name');
	});

	it('names the field as the form does, with the API path after it, one problem per list entry', async () => {
		const { error, calls } = await runNode(
			minimalFieldParameters({
				assets: { asset: [{ type: 'CATEGORY_BASED', categoryCode: 'phone', modelName: 'P', netPrice: 1 }] },
				customerContactData: { contact: { email: 'nope', mobile: '+37255555555' } },
			}),
		);
		expect(calls).toHaveLength(0);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error!.message).toBe(
			'Invalid POS session request: Customer Contact Data → Email (customerContactData.email): must be an email address',
		);
		expect(error!.description).toMatch(/^No request was sent to Inbank\.\n<ul>\n<li>.*<\/li>\n<li>.*<\/li>\n<\/ul>$/);
		expect(problemsOf(error!.description)).toEqual([
			'Customer Contact Data → Email (customerContactData.email): must be an email address',
			expect.stringMatching(/^Assets → Asset Type \(rentalApplicationData\.assets\[0\]\.type\): must be Model Based/),
		]);
	});

	it('keeps the API path alone in JSON mode, where the user typed the API’s names', async () => {
		const result = await createFromJson({ ...minimalJsonBody(), locale: 'estonian' });
		expect(result.problems).toEqual([
			'locale must be a language-country code such as et-EE, lv-LV, pl-PL, cs-CZ or en-US',
		]);
	});

	it('escapes user input in the HTML description', () => {
		expect(problemList(['a <b>"x"</b> & y'])).toBe(
			'No request was sent to Inbank.\n<ul>\n<li>a &lt;b&gt;"x"&lt;/b&gt; &amp; y</li>\n</ul>',
		);
	});
});

describe('4. Purchase Reference and Callback URL', () => {
	it('are top-level fields of Create (Fields mode) with hints', () => {
		const [reference] = propertiesNamed('purchaseReference', 'create');
		const [callback] = propertiesNamed('callbackUrl', 'create');
		expect(reference.displayOptions?.show?.inputMode).toEqual(['fields']);
		expect(reference.hint).toMatch(/order ID.*status callback/);
		expect(callback.hint).toMatch(/Inbank Smart Rent Trigger’s production URL \(no status callback without it\)/);
	});

	it('are sent from the top-level fields', async () => {
		const result = await createThroughExecute(
			minimalFieldParameters({
				purchaseReference: '1001',
				callbackUrl: 'https://n8n.shop.test/webhook/x/callback',
				partnerUrls: { urls: { returnUrl: 'https://shop.test/r', cancelUrl: 'https://shop.test/c' } },
			}),
		);
		expect((result.body?.purchase as IDataObject).purchaseReference).toBe('1001');
		expect(result.body?.partnerUrls).toEqual({
			returnUrl: 'https://shop.test/r',
			cancelUrl: 'https://shop.test/c',
			callbackUrl: 'https://n8n.shop.test/webhook/x/callback',
		});
	});

	it('exist once each: nothing in Additional Fields or Partner URLs, no “Old Place” field anywhere', () => {
		const names: string[] = [];
		const displayNames: string[] = [];
		const walk = (list: readonly unknown[]) => {
			for (const entry of list as Array<INodeProperties & { values?: unknown[] }>) {
				names.push(entry.name);
				displayNames.push(entry.displayName);
				if (Array.isArray(entry.options)) walk(entry.options);
				if (Array.isArray(entry.values)) walk(entry.values);
			}
		};
		walk(node.description.properties.filter((p) => (p.displayOptions?.show?.operation as string[] | undefined)?.includes('create')));
		expect(names.filter((name) => name === 'purchaseReference')).toHaveLength(1);
		expect(names.filter((name) => name === 'callbackUrl')).toHaveLength(1);
		expect(displayNames.filter((name) => /old place/i.test(name))).toEqual([]);
	});

	it('values under the removed places (Additional Fields, Partner URLs) are not sent', async () => {
		const result = await createThroughExecute(
			minimalFieldParameters({
				additionalFields: { purchaseReference: 'old-1' },
				partnerUrls: {
					urls: { returnUrl: 'https://shop.test/r', cancelUrl: 'https://shop.test/c', callbackUrl: 'https://old.test/cb' },
				},
			}),
		);
		expect(result.problems).toBeUndefined();
		expect(result.body?.purchase as IDataObject).not.toHaveProperty('purchaseReference');
		expect(result.body?.partnerUrls).toEqual({ returnUrl: 'https://shop.test/r', cancelUrl: 'https://shop.test/c' });
	});

	it('a Callback URL without Partner URLs names the return and cancel URLs it needs', async () => {
		const result = await createThroughExecute(minimalFieldParameters({ callbackUrl: 'https://new.test/cb' }));
		expect(result.problems).toEqual([
			'Partner URLs → Return URL (partnerUrls.returnUrl): must not be empty',
			'Partner URLs → Cancel URL (partnerUrls.cancelUrl): must not be empty',
		]);
	});
});

describe('5. lifecycle steps', () => {
	it('explains the UUID default expressions in a hint', () => {
		for (const name of ['contractUuid', 'sessionUuid']) {
			const properties = propertiesNamed(name);
			expect(properties.length).toBeGreaterThan(0);
			for (const property of properties) expect(property.hint).toMatch(/previous step.*"undefined" until connected and that step has run/);
		}
	});

	it('Product Code says an empty field uses the credential’s Default Product Code', () => {
		for (const property of propertiesNamed('productCode')) {
			expect(property.hint).toMatch(/Default Product Code of the Inbank API credential/);
			expect(property.required).toBeFalsy();
		}
		expect(new InbankApi().properties.find((p) => p.name === 'defaultProductCode')?.default).toBe('');
	});

	it.each([
		['Get contract', { resource: 'contract', operation: 'get', contractUuid: '9c1f7f9e-3b7a-4c55-9d0e-5f1a2b3c4d5e' }, '/rental/products/shop_default/contracts/'],
		['Get asset conditions', { resource: 'rentalProduct', operation: 'getAssetConditions', identifier: '123' }, '/rental/products/shop_default/detailed-asset-model'],
	])('%s uses the credential’s Default Product Code when the field is empty', async (_name, parameters, path) => {
		const { calls, error } = await runNode({ productCode: '', ...parameters }, { defaultProductCode: 'shop_default' });
		expect(error).toBeUndefined();
		expect(calls[0].url).toContain(path);
	});

	it('Create POS session too, and the node’s own Product Code wins', async () => {
		const fromCredential = await runNode(minimalFieldParameters({ productCode: '' }), { defaultProductCode: 'shop_default' });
		expect((fromCredential.calls[0].body as IDataObject).productCode).toBe('shop_default');
		const own = await runNode(minimalFieldParameters({ productCode: 'own_code' }), { defaultProductCode: 'shop_default' });
		expect((own.calls[0].body as IDataObject).productCode).toBe('own_code');
	});

	it('names both places when neither has a product code, and sends nothing', async () => {
		const { calls, error } = await runNode({ resource: 'contract', operation: 'activate', productCode: '', contractUuid: '9c1f7f9e-3b7a-4c55-9d0e-5f1a2b3c4d5e' });
		expect(calls).toHaveLength(0);
		expect(error?.message).toBe(
			'Invalid contract activation: Product Code (productCode): is required: fill in Product Code, or set Default Product Code in the Inbank API credential',
		);
	});
});

describe('7. smaller', () => {
	it('Integration Info stores no package version: empty by default, the running version is sent', async () => {
		const [additional] = propertiesNamed('additionalFields', 'create');
		const info = (additional.options as INodeProperties[]).find((o) => o.name === 'integrationInfo')!;
		expect(info.default).toBe('');
		const result = await createThroughExecute(minimalFieldParameters({ additionalFields: { integrationInfo: '' } }));
		expect(result.body?.integrationInfo).toEqual({ ecom_platform: 'n8n', Module: `n8n-nodes-inbank@${version}` });
	});

	it('an Integration Info the user gives is sent as given', async () => {
		const pinned = JSON.stringify({ ecom_platform: 'n8n', Module: 'n8n-nodes-inbank@0.0.1-pinned' });
		const result = await createThroughExecute(minimalFieldParameters({ additionalFields: { integrationInfo: pinned } }));
		expect(result.body?.integrationInfo).toEqual(JSON.parse(pinned));
		const own = JSON.stringify({ ecom_platform: 'n8n', Module: 'my-shop-connector@2' });
		const kept = await createThroughExecute(minimalFieldParameters({ additionalFields: { integrationInfo: own } }));
		expect(kept.body?.integrationInfo).toEqual(JSON.parse(own));
	});

	it('the Asset Type explains what switching does to Model ID; texts say Model Based as the dropdown does', () => {
		const [create] = propertiesNamed('assets', 'create');
		const values = (create.options as Array<{ values: INodeProperties[] }>)[0].values;
		expect(values.find((v) => v.name === 'type')?.hint).toMatch(/Category Based clears Model ID \(n8n does not keep hidden fields\)/);
		// Every text a user reads (names, descriptions, hints, at any depth), not the stored values.
		const texts: string[] = [];
		const collect = (value: unknown): void => {
			if (Array.isArray(value)) return value.forEach(collect);
			if (!value || typeof value !== 'object') return;
			for (const [key, inner] of Object.entries(value)) {
				if (['displayName', 'name', 'description', 'hint', 'placeholder'].includes(key) && typeof inner === 'string') texts.push(inner);
				else collect(inner);
			}
		};
		collect(node.description.properties);
		expect(texts.length).toBeGreaterThan(100);
		expect(texts.filter((text) => /MODEL_BASED|CATEGORY_BASED/.test(text))).toEqual([]);
	});
});
