import type { INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { contractUuid } from '../../contract/smartRent';
import { actionDone, executeOperation } from '../shared/operation';
import { optionsProperty } from '../shared/options';
import { contractUuidParameter } from '../shared/parameters';

/**
 * Contract actions share one shape: POST /partner/v3/shops/{shopUuid}/contracts/{contractUuid}/<action>,
 * no body, 204 No Content.
 */
export function contractAction(opts: { operation: string; pathSuffix: string; action: string; subject: string; notice: string }) {
	const show = { resource: ['contract'], operation: [opts.operation] };
	const description: INodeProperties[] = [
		{ displayName: opts.notice, name: `${opts.operation}Notice`, type: 'notice', default: '', displayOptions: { show } },
		contractUuidParameter(show),
		optionsProperty(show),
	];
	const input = z.object({ contractUuid: contractUuid() });
	const execute = executeOperation<z.output<typeof input>>({
		subject: opts.subject,
		schema: input,
		read(itemIndex) {
			return { contractUuid: this.getNodeParameter('contractUuid', itemIndex) };
		},
		request: ({ contractUuid: uuid }) => ({
			method: 'POST',
			path: `/contracts/${encodeURIComponent(uuid)}/${opts.pathSuffix}`,
		}),
		output: ({ contractUuid: uuid }, response) => actionDone(opts.action, uuid, response),
	});
	return { description, execute };
}
