// The Inbank sandbox: a local emulator of Inbank's partner API v3 (e-POS / Smart Rent) with a customer
// decision page, signed status callbacks and a control API for tests. See sandbox/README.md.
import { createServer } from 'node:http';

import { detailedAssetModel, findModel, modelById } from './lib/catalogue.mjs';
import { browserRedirect, callbackFields, CALLBACK_FORMATS, deliverCallback, SIGNING_SCHEMES } from './lib/callbacks.mjs';
import { notFoundPage, resultPage, sessionPage } from './lib/page.mjs';
import { calculateRent, SESSION_STATUSES, Store, StoreError, demoDecision } from './lib/store.mjs';
import validation from './lib/validate.cjs';

export const DEFAULT_SHOP = {
	uuid: 'a93f1f44-d5dd-4469-bfcc-c1de9e969213',
	apiKey: 'sandbox-demo-api-key',
	country: 'ee',
	name: 'Sandbox Shop',
};
export const DEFAULT_PRODUCT = { code: 'smart_rent_demo', periods: [12, 24, 36] };
const { validateAssetIdentifiers, validateCalculation, validatePosSession } = validation;
const MAX_BODY = 1024 * 1024;
const MAX_LOG = 2000;

const ERROR_MESSAGES = { 400: 'bad_request', 401: 'unauthorized', 404: 'not_found', 409: 'conflict', 422: 'unprocessable_entity', 429: 'Too Many Requests', 500: 'internal_server_error', 502: 'bad_gateway', 503: 'service_unavailable' };
const FORBIDDEN = 'User is not authorized to access this resource with an explicit deny';

/** Checks and completes options; throws an Error naming the bad option. */
export function resolveOptions(options = {}) {
	const shops = (options.shops?.length ? options.shops : [DEFAULT_SHOP]).map((shop) => ({ ...DEFAULT_SHOP, name: 'Sandbox Shop', ...shop }));
	for (const shop of shops) {
		if (!/^[A-Za-z0-9-]{1,100}$/.test(shop.uuid ?? '')) throw new Error(`shop uuid "${shop.uuid}" must be letters, digits and -`);
		if (!shop.apiKey || shop.apiKey.length < 8) throw new Error(`the API key of shop ${shop.uuid} must have at least 8 characters`);
		if (!['ee', 'lv', 'lt', 'pl', 'cz'].includes(shop.country)) throw new Error(`country "${shop.country}" of shop ${shop.uuid} must be ee, lv, lt, pl or cz`);
	}
	const products = options.products?.length ? options.products : [DEFAULT_PRODUCT];
	for (const product of products) {
		if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(product.code ?? '')) throw new Error(`product code "${product.code}" is not valid`);
		if (!Array.isArray(product.periods) || !product.periods.every((p) => Number.isInteger(p) && p > 0)) {
			throw new Error(`periods of product ${product.code} must be whole numbers of months`);
		}
	}
	const signing = options.signing ?? 'hmac-sha512';
	if (!SIGNING_SCHEMES.includes(signing)) throw new Error(`signing must be one of ${SIGNING_SCHEMES.join(', ')}`);
	const callbackFormat = options.callbackFormat ?? 'form';
	if (!CALLBACK_FORMATS.includes(callbackFormat)) throw new Error(`callback format must be one of ${CALLBACK_FORMATS.join(', ')}`);
	const port = options.port ?? 4010;
	if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port ${port} must be 0–65535`);
	return {
		port,
		host: options.host ?? '127.0.0.1',
		publicUrl: options.publicUrl,
		shops,
		products,
		extraCategoryCodes: options.extraCategoryCodes ?? [],
		signing,
		callbackFormat,
		callbackTimeoutMs: options.callbackTimeoutMs ?? 5000,
		requireMerchantApproval: Boolean(options.requireMerchantApproval),
		log: options.log ?? (() => {}),
	};
}

export async function startSandbox(rawOptions = {}) {
	const options = resolveOptions(rawOptions);
	const store = new Store();
	const requestLog = [];
	const callbackLog = [];
	let faults = [];
	const shopsByUuid = new Map(options.shops.map((s) => [s.uuid, s]));
	const shopsByKey = new Map(options.shops.map((s) => [s.apiKey, s]));
	const products = new Map(options.products.map((p) => [p.code, p]));
	let publicUrl = options.publicUrl;

	const remember = (list, entry) => {
		list.push(entry);
		if (list.length > MAX_LOG) list.splice(0, list.length - MAX_LOG);
	};

	async function sendCallback(session, variant = 'genuine', to) {
		const url = to ?? session.partnerUrls?.callbackUrl;
		const shop = shopsByUuid.get(session.shopUuid);
		const fields = callbackFields(session, shop.apiKey, { scheme: options.signing, variant });
		if (!url) return { fields, result: { skipped: 'no callbackUrl' } };
		const result = await deliverCallback(url, fields, { format: options.callbackFormat, timeoutMs: options.callbackTimeoutMs });
		remember(callbackLog, { at: new Date().toISOString(), sessionUuid: session.uuid, sessionStatus: session.status, variant, fields, ...result });
		options.log(`callback ${session.status} ${variant} -> ${url}: ${result.httpStatus ?? result.error}`);
		return { fields, result };
	}

	function expireDue() {
		for (const session of store.expire(Date.now())) void sendCallback(session);
	}
	const expiryTimer = setInterval(expireDue, 1000);
	expiryTimer.unref();

	const sessionView = (s) => {
		const { shopUuid: _shop, integrationInfo: _info, ...view } = s;
		return view;
	};

	function contractView(contract) {
		const session = store.sessions.get(contract.posSessionUuid);
		const shop = shopsByUuid.get(contract.shopUuid);
		const rental = session.rentalApplicationData;
		const calc = calculateRent(rental, shop.country);
		return {
			uuid: contract.uuid,
			status: contract.status,
			referenceNumber: contract.referenceNumber,
			activatedAt: contract.activatedAt,
			activatorName: contract.activatorName,
			productCode: contract.productCode,
			partnerApprovalAt: contract.partnerApprovalAt,
			customerUuid: contract.customerUuid,
			assetIdentifiers: contract.assetIdentifiers,
			details: {
				grossTradeInAmount: rental.grossTradeInAmount ?? 0,
				grossCampaignDiscount: rental.grossCampaignDiscount ?? 0,
				totalNetPrice: calc.totalNetPrice,
				totalGrossPrice: calc.totalGrossPrice,
				insuranceUsed: rental.insuranceUsed !== false,
				rentalSchedule: calc.rentalSchedule,
			},
		};
	}

	// ---- the partner API -------------------------------------------------------------------------
	async function api(req, shop, rest, query, body) {
		const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
		const method = req.method;
		const validationFailed = (problems, errorCode = 'VALIDATION_ERROR') => ({
			status: 400,
			body: { message: `${problems[0].field} ${problems[0].message}`, errorCode, errors: problems },
		});
		const notFound = { status: 404, body: { message: 'not_found' } };
		const ownSession = (uuid) => {
			const s = store.sessions.get(uuid);
			return s && s.shopUuid === shop.uuid ? s : undefined;
		};
		const ownContract = (uuid, productCode) => {
			const c = store.contracts.get(uuid);
			if (!c || c.shopUuid !== shop.uuid) return undefined;
			if (productCode !== undefined && c.productCode !== productCode) return undefined;
			return c;
		};
		const constraint = (message, status = 400) => ({ status, body: { message, errorCode: 'CONSTRAINTS_VIOLATED_GENERAL' } });

		// pos-sessions
		if (parts[0] === 'pos-sessions') {
			if (parts.length === 1 && method === 'POST') {
				if (body.error) return validationFailed([{ field: 'body', message: body.error }]);
				const problems = validatePosSession(body.json, { country: shop.country, products, extraCategoryCodes: options.extraCategoryCodes, now: Date.now() });
				if (problems.length) return validationFailed(problems);
				const session = store.createSession(shop, body.json, Date.now());
				return { status: 201, body: { uuid: session.uuid, status: session.status, redirectUrl: `${publicUrl}/session/${session.uuid}` } };
			}
			if (parts.length === 2 && method === 'GET') {
				expireDue();
				const session = ownSession(parts[1]);
				return session ? { status: 200, body: sessionView(session) } : notFound;
			}
		}

		// contracts/{uuid}[/merchant-approval|/cancel]
		if (parts[0] === 'contracts' && parts.length >= 2) {
			const contract = ownContract(parts[1]);
			if (!contract) return notFound;
			if (parts.length === 2 && method === 'GET') return { status: 200, body: contractView(contract) };
			if (parts[2] === 'merchant-approval' && parts.length === 3 && method === 'POST') {
				if (!['signed', 'approved'].includes(contract.status)) return constraint(`contract is ${contract.status}; it cannot be approved`, 409);
				contract.status = 'approved';
				contract.partnerApprovalAt ??= new Date().toISOString();
				return { status: 204 };
			}
			if (parts[2] === 'cancel' && parts.length === 3 && method === 'POST') {
				if (!['signed', 'approved'].includes(contract.status)) return constraint(`contract is ${contract.status}; it cannot be cancelled`, 409);
				const session = store.sessions.get(contract.posSessionUuid);
				store.transition(session, 'cancelled', Date.now());
				void sendCallback(session);
				return { status: 204 };
			}
		}

		// rental/products/{productCode}/…
		if (parts[0] === 'rental' && parts[1] === 'products' && parts.length >= 4) {
			const productCode = parts[2];
			const product = products.get(productCode);
			if (!product) return { status: 404, body: { message: 'product_not_found' } };
			const tail = parts.slice(3);
			if (tail[0] === 'detailed-asset-model' && tail.length === 1 && method === 'GET') {
				const problems = [];
				if (!['EAN', 'MANUFACTURER_PRODUCT_CODE'].includes(query.get('identifierType'))) problems.push({ field: 'identifierType', message: 'must be EAN or MANUFACTURER_PRODUCT_CODE' });
				if (!query.get('identifier')) problems.push({ field: 'identifier', message: 'is required' });
				if (problems.length) return validationFailed(problems);
				const model = findModel(query.get('identifierType'), query.get('identifier'));
				if (!model) return { status: 404, body: { message: 'Asset model not found', errorCode: 'ASSET_MODEL_NOT_FOUND' } };
				return { status: 200, body: detailedAssetModel(model, shop.country) };
			}
			if (tail[0] === 'calculations' && tail.length === 1 && method === 'POST') {
				if (body.error) return validationFailed([{ field: 'body', message: body.error }]);
				const problems = validateCalculation(body.json, { country: shop.country, periods: product.periods, extraCategoryCodes: options.extraCategoryCodes });
				if (problems.length) return validationFailed(problems);
				return { status: 200, body: calculateRent(body.json, shop.country) };
			}
			if (tail[0] === 'contracts' && tail.length >= 2) {
				const contract = ownContract(tail[1], productCode);
				if (!contract) return notFound;
				if (tail.length === 2 && method === 'GET') return { status: 200, body: contractView(contract) };
				if (tail[2] === 'asset-identifiers' && tail.length === 3 && method === 'PATCH') {
					if (!['signed', 'approved'].includes(contract.status)) return constraint(`contract is ${contract.status}; identifiers can no longer change`);
					if (body.error) return validationFailed([{ field: 'body', message: body.error }], 'CONSTRAINTS_VIOLATED_GENERAL');
					const model = modelById(contract.heroModelId);
					const problems = validateAssetIdentifiers(body.json, model?.assetIdentifierTypes);
					if (problems.length) return validationFailed(problems, 'CONSTRAINTS_VIOLATED_GENERAL');
					contract.assetIdentifiers = body.json.assetIdentifiers.map(({ identifier, identifierType }) => ({ identifier, identifierType }));
					return { status: 204 };
				}
				if (tail[2] === 'activation' && tail.length === 3 && method === 'POST') {
					const problems = [];
					if (!['signed', 'approved'].includes(contract.status)) problems.push({ errorCode: 'CONTRACT_NOT_ACTIVATABLE', message: `contract is ${contract.status}` });
					if (!modelById(contract.heroModelId)) problems.push({ errorCode: 'ASSET_MODEL_NOT_FOUND', message: `asset model ${contract.heroModelId} not found` });
					if (contract.assetIdentifiers.length === 0) problems.push({ errorCode: 'ASSET_IDENTIFIERS_MISSING', message: 'register the hero device identifiers first' });
					if (options.requireMerchantApproval && !contract.partnerApprovalAt) problems.push({ errorCode: 'MERCHANT_APPROVAL_REQUIRED', message: 'the merchant has not approved the contract' });
					if (problems.length) return { status: 422, body: problems };
					contract.activatorName = 'partner';
					const session = store.sessions.get(contract.posSessionUuid);
					store.transition(session, 'completed', Date.now());
					void sendCallback(session);
					return { status: 204 };
				}
			}
		}
		return notFound;
	}

	// ---- faults injected through the control API ---------------------------------------------------
	function takeFault(req, path) {
		const index = faults.findIndex((f) => (!f.method || f.method === req.method) && (!f.path || path.includes(f.path)));
		if (index === -1) return undefined;
		const fault = faults[index];
		fault.count -= 1;
		if (fault.count <= 0) faults.splice(index, 1);
		return fault;
	}

	// ---- the customer page --------------------------------------------------------------------------
	async function decide(session, decision) {
		const shop = shopsByUuid.get(session.shopUuid);
		if (session.status !== 'pending') return;
		if (decision === 'cancel') store.transition(session, 'cancelled', Date.now());
		else if (decision === 'decline' || demoDecision(session.totalAmount) === 'negative') store.transition(session, 'declined', Date.now());
		else store.transition(session, 'granted', Date.now());
		// Server to server first (awaited, bounded), then the browser goes back to the shop.
		const { fields } = await sendCallback(session);
		options.log(`session ${session.uuid} ${decision} -> ${session.status} (shop ${shop.name})`);
		return fields;
	}

	// ---- the control API --------------------------------------------------------------------------
	async function control(req, path, body) {
		const parts = path.split('/').filter(Boolean).slice(1);
		const json = body.json ?? {};
		const key = `${req.method} /${parts.map((p, i) => (i === 1 && ['sessions'].includes(parts[0]) ? ':uuid' : p)).join('/')}`;
		switch (key) {
			case 'GET /health':
				return { status: 200, body: { ok: true, sessions: store.sessions.size } };
			case 'GET /config':
				return {
					status: 200,
					body: {
						publicUrl,
						shops: options.shops.map(({ uuid, country, name }) => ({ uuid, country, name })),
						products: options.products,
						signing: options.signing,
						callbackFormat: options.callbackFormat,
						requireMerchantApproval: options.requireMerchantApproval,
					},
				};
			case 'GET /sessions':
				return { status: 200, body: [...store.sessions.values()].map(sessionView) };
			case 'GET /contracts':
				return { status: 200, body: [...store.contracts.values()].map(contractView) };
			case 'GET /requests':
				return { status: 200, body: requestLog };
			case 'GET /callbacks':
				return { status: 200, body: callbackLog };
			case 'GET /faults':
				return { status: 200, body: faults };
			case 'DELETE /faults':
				faults = [];
				return { status: 204 };
			case 'POST /faults': {
				const mode = json.mode ?? 'status';
				const fault = { mode, status: json.status ?? { 'non-json': 502, truncated: 200 }[mode] ?? 500, retryAfter: json.retryAfter, delayMs: json.delayMs ?? 0, count: json.count ?? 1, method: json.method, path: json.path };
				if (!['status', 'slow', 'drop', 'non-json', 'truncated'].includes(fault.mode)) return { status: 400, body: { message: 'mode must be status, slow, drop, non-json or truncated' } };
				if (!Number.isInteger(fault.count) || fault.count < 1) return { status: 400, body: { message: 'count must be a whole number >= 1' } };
				faults.push(fault);
				return { status: 201, body: fault };
			}
			case 'POST /reset':
				store.reset();
				faults = [];
				requestLog.length = 0;
				callbackLog.length = 0;
				return { status: 204 };
			case 'POST /sessions/:uuid/state':
			case 'POST /sessions/:uuid/callback': {
				const session = store.sessions.get(parts[1]);
				if (!session) return { status: 404, body: { message: 'not_found' } };
				if (parts[2] === 'state') {
					if (!SESSION_STATUSES.includes(json.status)) return { status: 400, body: { message: `status must be one of ${SESSION_STATUSES.join(', ')}` } };
					store.transition(session, json.status, Date.now(), { force: true });
					const { result } = await sendCallback(session);
					return { status: 200, body: { session: sessionView(session), callback: result } };
				}
				const variant = json.variant ?? 'genuine';
				if (!['genuine', 'forged', 'stale', 'unsigned'].includes(variant)) return { status: 400, body: { message: 'variant must be genuine, forged, stale or unsigned' } };
				const { fields, result } = await sendCallback(session, variant, json.url);
				return { status: 200, body: { fields, callback: result } };
			}
			default:
				return { status: 404, body: { message: 'not_found' } };
		}
	}

	// ---- HTTP ---------------------------------------------------------------------------------------
	const sockets = new Set();
	const server = createServer((req, res) => {
		const started = Date.now();
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size <= MAX_BODY) chunks.push(chunk);
		});
		req.on('end', () => {
			handle(req, res, Buffer.concat(chunks).toString('utf8'), size)
				.catch((error) => {
					options.log(`error ${req.method} ${req.url}: ${error.stack ?? error}`);
					if (!res.headersSent) send(res, 500, { message: 'internal_server_error' });
				})
				.finally(() => {
					const url = new URL(req.url, 'http://sandbox');
					if (!url.pathname.startsWith('/__sandbox')) {
						remember(requestLog, { at: new Date(started).toISOString(), method: req.method, path: url.pathname, query: url.search, status: res.statusCode, ms: Date.now() - started, body: safeJson(chunks) });
						options.log(`${req.method} ${url.pathname} ${res.statusCode} ${Date.now() - started}ms`);
					}
				});
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});

	function safeJson(chunks) {
		try {
			return JSON.parse(Buffer.concat(chunks).toString('utf8'));
		} catch {
			return undefined;
		}
	}

	function send(res, status, body, headers = {}) {
		if (body === undefined) {
			res.writeHead(status, headers);
			res.end();
			return;
		}
		const text = typeof body === 'string' ? body : JSON.stringify(body);
		res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json', ...headers });
		res.end(text);
	}

	function parseBody(req, text, size) {
		if (size > MAX_BODY) return { error: `is larger than ${MAX_BODY} bytes` };
		if (!text) return { json: undefined };
		const type = String(req.headers['content-type'] ?? '');
		if (type.includes('application/x-www-form-urlencoded')) return { json: Object.fromEntries(new URLSearchParams(text)), form: true };
		try {
			return { json: JSON.parse(text) };
		} catch {
			return { error: 'is not valid JSON' };
		}
	}

	async function handle(req, res, text, size) {
		const url = new URL(req.url, 'http://sandbox');
		const path = url.pathname;
		const body = parseBody(req, text, size);

		if (path.startsWith('/__sandbox/')) {
			const answer = await control(req, path, body);
			return send(res, answer.status, answer.body);
		}

		const page = path.match(/^\/session\/([^/]+)(\/decision)?$/);
		if (page) {
			expireDue();
			const session = store.sessions.get(decodeURIComponent(page[1]));
			if (!session) return send(res, 404, notFoundPage());
			if (!page[2] && req.method === 'GET') {
				const shop = shopsByUuid.get(session.shopUuid);
				const monthly = calculateRent(session.rentalApplicationData, shop.country).rentalSchedule.grossMonthlyPayment;
				return send(res, 200, sessionPage(session, shop.name, monthly));
			}
			if (page[2] && req.method === 'POST') {
				const decision = body.json?.decision;
				if (!['approve', 'decline', 'cancel'].includes(decision)) return send(res, 400, { message: 'decision must be approve, decline or cancel' });
				const fields = (await decide(session, decision)) ?? callbackFields(session, shopsByUuid.get(session.shopUuid).apiKey, { scheme: options.signing });
				const target = decision === 'cancel' ? session.partnerUrls?.cancelUrl : session.partnerUrls?.returnUrl;
				if (target) return send(res, 303, undefined, { location: browserRedirect(target, fields) });
				return send(res, 200, resultPage(session));
			}
			return send(res, 405, { message: 'method_not_allowed' });
		}

		const apiMatch = path.match(/^\/partner\/v3\/shops\/([^/]+)(\/.*)?$/);
		if (apiMatch) {
			const fault = takeFault(req, path);
			if (fault) {
				if (fault.mode === 'drop') return req.socket.destroy();
				if (fault.mode === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));
				if (fault.mode === 'status') {
					return send(res, fault.status, { message: ERROR_MESSAGES[fault.status] ?? 'error' }, fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {});
				}
				if (fault.mode === 'non-json') return send(res, fault.status, '<html><body><h1>502 Bad Gateway</h1></body></html>');
				if (fault.mode === 'truncated') {
					res.writeHead(fault.status, { 'content-type': 'application/json' });
					return res.end('{"uuid":"3f1c2a');
				}
			}
			const auth = String(req.headers.authorization ?? '');
			const key = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
			const keyShop = shopsByKey.get(key);
			if (!keyShop) return send(res, 401, { message: 'unauthorized' });
			const shopUuid = decodeURIComponent(apiMatch[1]);
			if (keyShop.uuid !== shopUuid) return send(res, 403, { message: FORBIDDEN });
			try {
				const answer = await api(req, keyShop, apiMatch[2] ?? '', url.searchParams, body);
				return send(res, answer.status, answer.body);
			} catch (error) {
				if (error instanceof StoreError) return send(res, error.status, { message: error.message, errorCode: error.errorCode ?? 'CONSTRAINTS_VIOLATED_GENERAL' });
				throw error;
			}
		}

		if (path === '/' && req.method === 'GET') {
			return send(res, 200, { name: 'Inbank sandbox', api: '/partner/v3/shops/{shopUuid}/…', control: '/__sandbox/…' });
		}
		return send(res, 404, { message: 'not_found' });
	}

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, resolve);
	});
	const { port } = server.address();
	const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
	publicUrl = (publicUrl ?? url).replace(/\/+$/, '');

	return {
		url,
		port,
		publicUrl,
		options,
		state: { store, requestLog, callbackLog, get faults() { return faults; } },
		async close() {
			clearInterval(expiryTimer);
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(() => resolve()));
		},
	};
}
