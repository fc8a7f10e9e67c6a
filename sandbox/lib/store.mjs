// Sessions and contracts, and the moves between their states.
//
// Session:  pending → granted → completed
//           pending → declined | cancelled | expired (validUntil passed)
//           granted → cancelled (contract cancelled)
// Contract (created when the session is granted):
//           signed → (merchant approval, when the shop requires it) → approved → activated
//           signed | approved → cancelled
// Activation needs the hero device's identifiers (and the merchant's approval when required); it
// moves the contract to activated and the session to completed.
import { randomUUID } from 'node:crypto';

import { VAT } from './catalogue.mjs';

export const SESSION_STATUSES = ['pending', 'granted', 'completed', 'cancelled', 'declined', 'expired'];

/** Demo decision rules by amount (api-facts.md): positive 0–500 and from 1426, negative 1001–1100. */
export function demoDecision(amount) {
	if (amount >= 1001 && amount <= 1100) return 'negative';
	if ((amount >= 0 && amount <= 500) || amount >= 1426) return 'positive';
	return 'manual';
}

const round2 = (n) => Math.round(n * 100) / 100;

/** The amount the demo rules look at: net prices minus trade-in and campaign discount (net of VAT). */
export function sessionAmount(rental, country) {
	const vat = VAT[country] ?? 0.21;
	const net = rental.assets.reduce((sum, a) => sum + a.netPrice, 0);
	const deductions = ((rental.grossTradeInAmount ?? 0) + (rental.grossCampaignDiscount ?? 0)) / (1 + vat);
	return round2(Math.max(0, net - deductions));
}

/**
 * A rent estimate: 85 % of the financed net amount spread over the period, plus 0.4 % of the net price
 * a month when insurance is used. Not Inbank's formula (which is not public): plausible numbers only.
 */
export function calculateRent({ period, insuranceUsed = true, assets, grossTradeInAmount = 0, grossCampaignDiscount = 0 }, country) {
	const vat = VAT[country] ?? 0.21;
	const totalNetPrice = round2(assets.reduce((s, a) => s + a.netPrice, 0));
	const totalGrossPrice = round2(assets.reduce((s, a) => s + (a.grossPrice ?? a.netPrice * (1 + vat)), 0));
	const financed = Math.max(0, totalNetPrice - (grossTradeInAmount + grossCampaignDiscount) / (1 + vat));
	const netMonthlyPayment = round2((financed * 0.85) / period + (insuranceUsed ? totalNetPrice * 0.004 : 0));
	return {
		period,
		insuranceUsed,
		grossTradeInAmount,
		grossCampaignDiscount,
		totalNetPrice,
		totalGrossPrice,
		rentalSchedule: {
			netMonthlyPayment,
			vat: round2(netMonthlyPayment * vat),
			grossMonthlyPayment: round2(netMonthlyPayment * (1 + vat)),
		},
	};
}

export class Store {
	sessions = new Map();
	contracts = new Map();
	referenceCounter = 1000;

	createSession(shop, body, now) {
		const uuid = randomUUID();
		const session = {
			uuid,
			shopUuid: shop.uuid,
			productCode: body.productCode,
			currency: body.currency,
			locale: body.locale,
			validUntil: body.validUntil ?? new Date(now + 24 * 3600_000).toISOString(),
			userIp: body.userIp,
			status: 'pending',
			totalAmount: sessionAmount(body.rentalApplicationData, shop.country),
			customerData: body.customerData,
			customerContactData: body.customerContactData,
			purchase: body.purchase,
			rentalApplicationData: { insuranceUsed: true, ...body.rentalApplicationData },
			partnerUrls: body.partnerUrls,
			integrationInfo: body.integrationInfo,
			additionalData: body.additionalData,
			creditApplicationUuid: randomUUID(),
			creditContractUuid: null,
			salespersonReference: null,
			createdAt: new Date(now).toISOString(),
			updatedAt: new Date(now).toISOString(),
		};
		this.sessions.set(uuid, session);
		return session;
	}

	/** Moves a session (and its contract) to `status`. Returns the session, or throws for a bad move. */
	transition(session, status, now, { force = false } = {}) {
		if (!SESSION_STATUSES.includes(status)) throw new StoreError(400, `unknown status ${status}`);
		const allowed = {
			pending: ['granted', 'declined', 'cancelled', 'expired'],
			granted: ['completed', 'cancelled'],
		};
		if (!force && !(allowed[session.status] ?? []).includes(status)) {
			throw new StoreError(409, `session is ${session.status}; it cannot become ${status}`);
		}
		session.status = status;
		session.updatedAt = new Date(now).toISOString();
		if (status === 'granted' && !session.creditContractUuid) this.createContract(session, now);
		const contract = session.creditContractUuid && this.contracts.get(session.creditContractUuid);
		if (contract && status === 'cancelled' && contract.status !== 'cancelled') contract.status = 'cancelled';
		if (contract && status === 'completed' && contract.status !== 'activated') {
			contract.status = 'activated';
			contract.activatedAt = new Date(now).toISOString();
			contract.activatorName = contract.activatorName ?? 'sandbox';
		}
		return session;
	}

	createContract(session, now) {
		const uuid = randomUUID();
		const rental = session.rentalApplicationData;
		const hero = rental.assets[0];
		this.contracts.set(uuid, {
			uuid,
			shopUuid: session.shopUuid,
			posSessionUuid: session.uuid,
			productCode: session.productCode,
			status: 'signed',
			referenceNumber: `SR-${++this.referenceCounter}`,
			customerUuid: randomUUID(),
			createdAt: new Date(now).toISOString(),
			partnerApprovalAt: null,
			activatedAt: null,
			activatorName: null,
			heroModelId: hero.modelId,
			assetIdentifiers: [],
			period: rental.period,
		});
		session.creditContractUuid = uuid;
	}

	/** Sessions whose validUntil passed while pending become expired; returns them (for callbacks). */
	expire(now) {
		const expired = [];
		for (const session of this.sessions.values()) {
			if (session.status === 'pending' && Date.parse(session.validUntil) <= now) {
				this.transition(session, 'expired', now);
				expired.push(session);
			}
		}
		return expired;
	}

	reset() {
		this.sessions.clear();
		this.contracts.clear();
	}
}

export class StoreError extends Error {
	constructor(status, message, errorCode) {
		super(message);
		this.status = status;
		this.errorCode = errorCode;
	}
}
