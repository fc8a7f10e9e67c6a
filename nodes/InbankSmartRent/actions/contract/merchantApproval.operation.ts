import { contractAction } from './contractAction';

export const { description, execute } = contractAction({
	operation: 'merchantApproval',
	pathSuffix: 'merchant-approval',
	action: 'merchantApproved',
	subject: 'merchant approval',
	notice: 'Approves a granted contract on the shop’s side, for products where Inbank waits for the merchant’s approval.',
});
