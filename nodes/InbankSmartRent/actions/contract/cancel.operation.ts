import { contractAction } from './contractAction';

export const { description, execute } = contractAction({
	operation: 'cancel',
	pathSuffix: 'cancel',
	action: 'cancelled',
	subject: 'contract cancellation',
	notice: 'Cancels the contract: the customer pays nothing and the session becomes cancelled. Do not ship the order.',
});
