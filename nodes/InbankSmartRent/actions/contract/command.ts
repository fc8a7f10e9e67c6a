import { z } from 'zod/v3';

import { contractUuid } from '../../contract/smartRent';
import { fieldLabeler } from '../shared/labels';
import { actionDone, executeOperation } from '../shared/operation';
import { contractUuidParameter } from '../shared/parameters';

/**
 * Approve and Cancel share one shape: POST /partner/v3/shops/{shopUuid}/contracts/{contractUuid}/<suffix>,
 * no body, 204 No Content.
 */
export function contractCommand(opts: { suffix: string; action: string; subject: string; howToCheck: string }) {
	const labels = fieldLabeler([contractUuidParameter]);
	const input = z.object({ contractUuid: contractUuid() });
	return executeOperation<z.output<typeof input>>({
		subject: opts.subject,
		schema: input,
		labels: () => labels,
		read(itemIndex) {
			return { contractUuid: this.getNodeParameter('contractUuid', itemIndex) };
		},
		request: ({ contractUuid: uuid }) => ({
			method: 'POST',
			path: `/contracts/${encodeURIComponent(uuid)}/${opts.suffix}`,
			howToCheck: opts.howToCheck,
		}),
		output: ({ contractUuid: uuid }, answer) => actionDone(opts.action, uuid, answer),
	});
}
