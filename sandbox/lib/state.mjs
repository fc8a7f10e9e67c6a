// Sessions and contracts, and the moves between their states. Pure bookkeeping: no HTTP, no
// callbacks (the caller sends those after a move; see server.mjs and routes.mjs).
//
// Session:   pending ─approve─> granted ─activation─> completed
//            pending ─> declined | cancelled | expired (validUntil passed)
//            granted ─contract cancel─> cancelled
// Contract (created when its session is granted):
//            signed ─merchant approval─> approved ─activation─> activated
//            signed | approved ─cancel─> cancelled
// Activation needs the hero device's identifiers (and the merchant's approval when the sandbox runs
// with requireMerchantApproval); it activates the contract and completes the session.
import { randomUUID } from 'node:crypto';

import { sessionAmount } from './pricing.mjs';

export const SESSION_STATUSES = ['pending', 'granted', 'completed', 'cancelled', 'declined', 'expired'];
export const CONTRACT_STATUSES = ['signed', 'approved', 'activated', 'cancelled'];

/** The moves a session may make on its own (forced moves from the control API may do anything). */
const SESSION_MOVES = {
	pending: ['granted', 'declined', 'cancelled', 'expired'],
	granted: ['completed', 'cancelled'],
};
const OPEN_CONTRACT = ['signed', 'approved'];

/** A refusal that the partner API turns into { message, errorCode } with `status`. */
export class StateError extends Error {
	constructor(status, message, errorCode = 'CONSTRAINTS_VIOLATED_GENERAL') {
		super(message);
		this.status = status;
		this.errorCode = errorCode;
	}
}

export class Store {
	sessions = new Map();
	contracts = new Map();
	#references = 1000;
	#now;

	constructor({ now = () => Date.now() } = {}) {
		this.#now = now;
	}

	#iso() {
		return new Date(this.#now()).toISOString();
	}

	/** A new pending session from a validated create body. */
	createSession(shop, body, { validityMinutes }) {
		const now = this.#now();
		const rental = { ...body.rentalApplicationData, insuranceUsed: body.rentalApplicationData.insuranceUsed ?? true };
		const session = {
			uuid: randomUUID(),
			shopUuid: shop.uuid,
			status: 'pending',
			productCode: body.productCode,
			totalAmount: sessionAmount(rental),
			currency: body.currency,
			locale: body.locale,
			userIp: body.userIp ?? null,
			salespersonReference: null,
			validUntil: body.validUntil ?? new Date(now + validityMinutes * 60_000).toISOString(),
			partnerUrls: body.partnerUrls ?? null,
			customerData: body.customerData ?? null,
			customerContactData: body.customerContactData ?? null,
			purchase: body.purchase,
			rentalApplicationData: rental,
			integrationInfo: body.integrationInfo ?? null,
			additionalData: body.additionalData ?? null,
			creditApplicationUuid: randomUUID(),
			creditContractUuid: null,
			createdAt: new Date(now).toISOString(),
			updatedAt: new Date(now).toISOString(),
		};
		this.sessions.set(session.uuid, session);
		return session;
	}

	/**
	 * Moves a session to `status` and keeps its contract in step. Returns true when the status changed.
	 * Without `force` only the documented moves are allowed (409 otherwise); `force` (control API)
	 * allows any move, creating or closing the contract as the new status implies.
	 */
	moveSession(session, status, { force = false, activatorName = 'sandbox' } = {}) {
		if (!SESSION_STATUSES.includes(status)) throw new StateError(400, `unknown session status ${status}`);
		if (!force && !(SESSION_MOVES[session.status] ?? []).includes(status)) {
			throw new StateError(409, `session is ${session.status}; it cannot become ${status}`);
		}
		const changed = session.status !== status;
		session.status = status;
		session.updatedAt = this.#iso();
		if ((status === 'granted' || status === 'completed') && !session.creditContractUuid) this.#createContract(session);
		const contract = this.contractOf(session);
		if (contract && status === 'completed' && contract.status !== 'activated') {
			contract.status = 'activated';
			contract.activatedAt = this.#iso();
			contract.activatorName = activatorName;
		}
		if (contract && ['cancelled', 'declined', 'expired'].includes(status) && contract.status !== 'cancelled') {
			contract.status = 'cancelled';
			contract.cancelledAt = this.#iso();
		}
		return changed;
	}

	/**
	 * The session or contract with this uuid, in any letter case: Inbank's ids are UUIDs, which a
	 * database uuid column compares without regard to case. Stored ids are lower case (randomUUID).
	 */
	findSession(uuid) {
		return typeof uuid === 'string' ? this.sessions.get(uuid.toLowerCase()) : undefined;
	}

	findContract(uuid) {
		return typeof uuid === 'string' ? this.contracts.get(uuid.toLowerCase()) : undefined;
	}

	contractOf(session) {
		return session.creditContractUuid ? this.contracts.get(session.creditContractUuid) : undefined;
	}

	sessionOf(contract) {
		return this.sessions.get(contract.posSessionUuid);
	}

	#createContract(session) {
		const hero = session.rentalApplicationData.assets[0];
		const contract = {
			uuid: randomUUID(),
			shopUuid: session.shopUuid,
			posSessionUuid: session.uuid,
			productCode: session.productCode,
			// The customer signed when the session was granted; the merchant's approval comes next.
			status: 'signed',
			referenceNumber: `SR-${++this.#references}`,
			customerUuid: randomUUID(),
			createdAt: this.#iso(),
			partnerApprovalAt: null,
			activatedAt: null,
			activatorName: null,
			cancelledAt: null,
			heroModelId: hero.modelId,
			assetIdentifiers: [],
		};
		this.contracts.set(contract.uuid, contract);
		session.creditContractUuid = contract.uuid;
		return contract;
	}

	/** POST contracts/{uuid}/merchant-approval. Approving twice is harmless. */
	approveContract(contract) {
		if (!OPEN_CONTRACT.includes(contract.status)) throw new StateError(409, `contract is ${contract.status}; it cannot be approved`);
		contract.status = 'approved';
		contract.partnerApprovalAt ??= this.#iso();
	}

	/** POST contracts/{uuid}/cancel: the contract and its session are cancelled. Returns the session. */
	cancelContract(contract) {
		if (!OPEN_CONTRACT.includes(contract.status)) throw new StateError(409, `contract is ${contract.status}; it cannot be cancelled`);
		const session = this.sessionOf(contract);
		this.moveSession(session, 'cancelled');
		return session;
	}

	/** PATCH …/asset-identifiers: replaces the hero device's identifiers while the contract is open. */
	setIdentifiers(contract, identifiers) {
		if (!OPEN_CONTRACT.includes(contract.status)) {
			throw new StateError(400, `contract is ${contract.status}; its asset identifiers can no longer change`);
		}
		contract.assetIdentifiers = identifiers.map(({ identifier, identifierType }) => ({ identifier, identifierType }));
	}

	/**
	 * POST …/activation. Returns the problems as [{ errorCode, message }] (a 422), or [] once the
	 * contract is activated and the session completed.
	 */
	activate(contract, { requireMerchantApproval, heroModelKnown, activatorName }) {
		if (!OPEN_CONTRACT.includes(contract.status)) {
			return [{ errorCode: 'CONTRACT_NOT_ACTIVATABLE', message: `contract is ${contract.status}; only a signed or approved contract can be activated` }];
		}
		const problems = [];
		if (!heroModelKnown) problems.push({ errorCode: 'ASSET_MODEL_NOT_FOUND', message: `asset model ${contract.heroModelId} of the hero device was not found` });
		if (contract.assetIdentifiers.length === 0) problems.push({ errorCode: 'ASSET_IDENTIFIERS_MISSING', message: 'register the hero device identifiers (PATCH asset-identifiers) before activation' });
		if (requireMerchantApproval && contract.status !== 'approved') problems.push({ errorCode: 'MERCHANT_APPROVAL_REQUIRED', message: 'the merchant has not approved the contract (POST merchant-approval)' });
		if (problems.length) return problems;
		this.moveSession(this.sessionOf(contract), 'completed', { activatorName });
		return [];
	}

	/** Pending sessions whose validUntil has passed become expired; returns them (for their callbacks). */
	expireDue() {
		const now = this.#now();
		const expired = [];
		for (const session of this.sessions.values()) {
			if (session.status === 'pending' && Date.parse(session.validUntil) <= now) {
				this.moveSession(session, 'expired');
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
