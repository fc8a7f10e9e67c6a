import type { IDataObject } from 'n8n-workflow';

import { buildBodyFromFields, CREATE_FORM } from '../../../nodes/InbankSmartRent/actions/posSession/createBody';
import { assetsProperty } from '../../../nodes/InbankSmartRent/actions/shared/assets';
import { convert, field, formBuilder, list, object, parameterPaths } from '../../../nodes/InbankSmartRent/actions/shared/formMap';
import { posSessionCreateRequest } from '../../../nodes/InbankSmartRent/contract/posSession';
import { formatIssues } from '../../../nodes/shared/primitives';
import { minimalFieldParameters } from '../../support/fixtures';

const from = (parameters: IDataObject) => (name: string, fallback?: unknown) => parameters[name] ?? fallback;

describe('one map between a form and its request', () => {
	const shape = {
		name: field('name'),
		note: field('more.note', { convert: convert.text }),
		contact: object({ email: field('contact.entry.email', { convert: convert.orEmpty }) }, ['contact.entry']),
		lines: list('lines.line', { code: field('code'), cost: field('cost') }, 'empty'),
	};

	it('builds the request from the form, leaving out what is not set', () => {
		const build = formBuilder(shape);
		expect(build(from({ name: 'a', more: { note: '' }, lines: { line: [{ code: 'x', cost: 1 }] } }))).toEqual({
			name: 'a',
			lines: [{ code: 'x', cost: 1 }],
		});
		expect(build(from({ name: 'a', contact: { entry: {} } }))).toEqual({ name: 'a', contact: { email: '' }, lines: [] });
	});

	it('names each request field by its place in the form, lists and their entries included', () => {
		expect(parameterPaths(shape)).toEqual({
			name: 'name',
			note: 'more.note',
			'contact.email': 'contact.entry.email',
			lines: 'lines',
			'lines[]': 'lines',
			'lines[].code': 'lines.line.code',
			'lines[].cost': 'lines.line.cost',
		});
	});

	it('reads each node parameter once per item, however many fields it feeds', () => {
		const reads: string[] = [];
		const build = formBuilder(CREATE_FORM);
		build((name, fallback) => {
			reads.push(name);
			return (minimalFieldParameters() as IDataObject)[name] ?? fallback;
		});
		expect(reads.filter((name) => name === 'additionalFields')).toHaveLength(1);
		expect(new Set(reads).size).toBe(reads.length);
	});

	it('every field Create POS session sends has a place in the form', () => {
		const paths = parameterPaths(CREATE_FORM);
		for (const formPath of Object.values(paths)) {
			const [parameter] = formPath.split('.');
			expect(['productCode', 'currency', 'locale', 'period', 'assets', 'insuranceUsed', 'purchaseDescription', 'purchaseReference', 'callbackUrl', 'partnerUrls', 'customerData', 'customerContactData', 'merchants', 'additionalFields']).toContain(parameter);
		}
		expect(paths['partnerUrls.callbackUrl']).toBe('callbackUrl');
		expect(paths['rentalApplicationData.assets[].categoryCode']).toBe('assets.asset.categoryCode');
	});
});

describe('an asset without a type', () => {
	const withAssets = (asset: IDataObject[]) => buildBodyFromFields(from({ ...(minimalFieldParameters() as IDataObject), assets: { asset } }));

	it('a new asset row of the form is Model Based, as the hero device must be', () => {
		const values = (assetsProperty().options as Array<{ values: Array<{ name: string; default: unknown }> }>)[0].values;
		expect(values.find((value) => value.name === 'type')?.default).toBe('MODEL_BASED');
		expect((assetsProperty().default as { asset: IDataObject[] }).asset[0].type).toBe('MODEL_BASED');
	});

	it('is sent without one and read as Category Based, as Inbank applies it', () => {
		const body = withAssets([
			{ type: 'MODEL_BASED', modelId: 'm-1', modelName: 'Phone', netPrice: 1 },
			{ categoryCode: 'add_on', modelId: 'ignored', modelName: 'Case', netPrice: 1 },
		]);
		const assets = (body.rentalApplicationData as IDataObject).assets as IDataObject[];
		expect(assets[1]).toEqual({ categoryCode: 'add_on', modelName: 'Case', netPrice: 1 });
		expect(posSessionCreateRequest.safeParse(body).success).toBe(true);
	});

	it('as the hero device is refused: it would be Category Based', () => {
		const parsed = posSessionCreateRequest.safeParse(withAssets([{ modelId: 'm-1', modelName: 'Phone', netPrice: 1 }]));
		expect(parsed.success).toBe(false);
		if (parsed.success) return;
		expect(formatIssues(parsed.error.issues)).toEqual([
			expect.stringMatching(/^rentalApplicationData\.assets\[0\]\.type must be Model Based \(MODEL_BASED\)/),
		]);
	});
});
