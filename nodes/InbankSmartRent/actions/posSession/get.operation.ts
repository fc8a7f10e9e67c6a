import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod/v3';

import { PAID_STATUS } from '../../../shared/domain';
import { posSessionRecord, uuidParameter } from '../../contract/posSession';
import { showOnlyFor } from '../node.type';
import { executeOperation } from '../shared/operation';
import { fieldLabeler } from '../shared/labels';
import { optionsProperty } from '../shared/options';
import { sessionUuidParameter } from '../shared/parameters';
import { redactUrlSecrets } from '../../../shared/transport/urlSecrets';

const properties: INodeProperties[] = [sessionUuidParameter, optionsProperty];

export const description = updateDisplayOptions(
	showOnlyFor({ resource: 'posSession', operation: 'get' }),
	properties,
);

const formLabels = fieldLabeler(properties);

const input = z.object({ sessionUuid: uuidParameter('a POS session uuid') });

export const execute = executeOperation<z.output<typeof input>, z.output<typeof posSessionRecord>>({
	subject: 'POS session lookup',
	schema: input,
	labels: () => formLabels,
	read(itemIndex) {
		return { sessionUuid: this.getNodeParameter('sessionUuid', itemIndex) };
	},
	request: ({ sessionUuid }) => ({ method: 'GET', path: `/pos-sessions/${encodeURIComponent(sessionUuid)}` }),
	response: posSessionRecord,
	output(_input, { body }) {
		// The Callback URL's token (Secret Token mode) stays out of execution data.
		const session = redactUrlSecrets(body as IDataObject);
		// Only `completed` means paid; said once here so that no workflow has to know it.
		return { ...session, paid: body.status === PAID_STATUS };
	},
});
