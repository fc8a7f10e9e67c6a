import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod/v3';

import { posSessionRecord, uuidParameter } from '../../contract/posSession';
import { displayOptionsFor } from '../legacy';
import { executeOperation } from '../shared/operation';
import { fieldLabeler } from '../shared/labels';
import { optionsProperty } from '../shared/options';
import { sessionUuidParameter } from '../shared/parameters';
import { redactUrlSecrets } from '../shared/urlSecrets';

const properties: INodeProperties[] = [sessionUuidParameter, optionsProperty];

export const description = updateDisplayOptions(
	displayOptionsFor({ resource: 'posSession', operation: 'get' }),
	properties,
);

const formLabels = fieldLabeler(properties);

const input = z.object({ sessionUuid: uuidParameter('a POS session uuid') });

export const execute = executeOperation<z.output<typeof input>>({
	subject: 'POS session lookup',
	schema: input,
	labels: () => formLabels,
	read(itemIndex) {
		return { sessionUuid: this.getNodeParameter('sessionUuid', itemIndex) };
	},
	request: ({ sessionUuid }) => ({ method: 'GET', path: `/pos-sessions/${encodeURIComponent(sessionUuid)}` }),
	response: posSessionRecord,
	output(_input, response) {
		// The Callback URL's token (Secret Token mode) stays out of execution data.
		const session = redactUrlSecrets(response.body as IDataObject);
		// Only `completed` means paid; said once here so that no workflow has to know it.
		return { ...session, paid: session.status === 'completed' };
	},
});
