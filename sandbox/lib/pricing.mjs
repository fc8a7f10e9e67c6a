// Money: the amount the demo decision rules look at, and a plausible rent calculation. Inbank's own
// pricing is not public; these formulas only need to be predictable and documented (sandbox/README.md).

/** VAT by shop country (standard rates), used to turn net prices into gross ones. */
export const VAT = { ee: 0.24, lv: 0.21, lt: 0.21, pl: 0.23, cz: 0.21 };

export const round2 = (n) => Math.round((n + Number.EPSILON) * 100) / 100;

/**
 * Inbank's demo amounts (its documentation's demo environment): positive 0–500 and from 1426, negative 1001–1100. Anything
 * else is left to the customer's button on the decision page.
 */
export function demoDecision(amount) {
	if (amount >= 1001 && amount <= 1100) return 'negative';
	if ((amount >= 0 && amount <= 500) || amount >= 1426) return 'positive';
	return 'manual';
}

/**
 * The amount of a session, as the demo rules and the session's totalAmount see it: the sum of the
 * assets' net prices minus the trade-in and the campaign discount, taken as sent (no VAT conversion,
 * so that a tester can predict the decision from the request alone), never below 0.
 */
export function sessionAmount({ assets, grossTradeInAmount = 0, grossCampaignDiscount = 0 }) {
	const net = assets.reduce((sum, asset) => sum + asset.netPrice, 0);
	return round2(Math.max(0, net - grossTradeInAmount - grossCampaignDiscount));
}

/**
 * A rent calculation (the sandbox's own formula):
 *   totalNetPrice   = Σ netPrice
 *   totalGrossPrice = Σ (grossPrice, or netPrice × (1 + VAT))
 *   financed        = max(0, totalGrossPrice − grossTradeInAmount − grossCampaignDiscount)   (gross)
 *   grossMonthlyPayment = financed × 0.85 / period  +  (insuranceUsed ? totalGrossPrice × 0.4 % : 0)
 *   netMonthlyPayment   = grossMonthlyPayment / (1 + VAT);  vat = gross − net
 * 85 %: the device is returned at the end, so the customer pays for part of its value.
 */
export function calculateRent({ period, insuranceUsed = true, assets, grossTradeInAmount = 0, grossCampaignDiscount = 0 }, country) {
	const vat = VAT[country] ?? 0.21;
	const totalNetPrice = round2(assets.reduce((sum, a) => sum + a.netPrice, 0));
	const totalGrossPrice = round2(assets.reduce((sum, a) => sum + (a.grossPrice ?? a.netPrice * (1 + vat)), 0));
	const financed = Math.max(0, totalGrossPrice - grossTradeInAmount - grossCampaignDiscount);
	const grossMonthlyPayment = round2((financed * 0.85) / period + (insuranceUsed ? totalGrossPrice * 0.004 : 0));
	const netMonthlyPayment = round2(grossMonthlyPayment / (1 + vat));
	return {
		period,
		insuranceUsed,
		grossTradeInAmount,
		grossCampaignDiscount,
		totalNetPrice,
		totalGrossPrice,
		rentalSchedule: {
			grossMonthlyPayment,
			vat: round2(grossMonthlyPayment - netMonthlyPayment),
			netMonthlyPayment,
		},
	};
}
