// The control API for tests and demos, under /__sandbox/…: JSON, no auth, answered only to peers on
// this machine (loopback), whatever address the sandbox listens on. See sandbox/README.md.
import { CALLBACK_VARIANTS } from './callbacks.mjs';
import { FaultError } from './faults.mjs';
import { pathSegments } from './http.mjs';
import { contractView, sessionView } from './routes.mjs';
import { SESSION_STATUSES } from './state.mjs';

export const CONTROL_PREFIX = '/__sandbox/';

const ok = (body, status = 200) => ({ status, body });
const refuse = (status, message) => ({ status, body: { message } });

/** Answers a control request. `json` is the parsed body ({} when empty), or undefined when not JSON. */
export async function handleControl(sb, method, pathname, query, json) {
	if (json === undefined) return refuse(400, 'the body must be JSON');
	const parts = pathSegments(pathname.slice(CONTROL_PREFIX.length - 1)) ?? [];
	const route = `${method} /${parts.map((part, i) => (i === 1 && ['sessions', 'contracts'].includes(parts[0]) ? ':uuid' : part)).join('/')}`;
	const uuid = parts[1];

	switch (route) {
		case 'GET /health':
			return ok({ ok: true, sessions: sb.store.sessions.size, contracts: sb.store.contracts.size });
		case 'GET /config':
			// Everything but the API keys.
			return ok({
				url: sb.url,
				publicUrl: sb.publicUrl,
				shops: sb.options.shops.map(({ uuid: shopUuid, country, name }) => ({ uuid: shopUuid, country, name })),
				products: sb.options.products,
				extraCategoryCodes: sb.options.extraCategoryCodes,
				signing: sb.options.signing,
				callbackFormat: sb.options.callbackFormat,
				callbackTimeoutMs: sb.options.callbackTimeoutMs,
				requireMerchantApproval: sb.options.requireMerchantApproval,
				sessionValidityMinutes: sb.options.sessionValidityMinutes,
			});

		case 'GET /sessions':
			sb.expireDue();
			return ok([...sb.store.sessions.values()].map((s) => ({ shopUuid: s.shopUuid, ...sessionView(s) })));
		case 'GET /sessions/:uuid': {
			sb.expireDue();
			const session = sb.store.findSession(uuid);
			return session ? ok({ shopUuid: session.shopUuid, ...sessionView(session) }) : refuse(404, 'not_found');
		}
		case 'GET /contracts':
			return ok([...sb.store.contracts.values()].map((c) => ({ shopUuid: c.shopUuid, ...contractView(sb, c) })));
		case 'GET /contracts/:uuid': {
			const contract = sb.store.findContract(uuid);
			return contract ? ok({ shopUuid: contract.shopUuid, ...contractView(sb, contract) }) : refuse(404, 'not_found');
		}

		case 'POST /sessions/:uuid/state': {
			const session = sb.store.findSession(uuid);
			if (!session) return refuse(404, 'not_found');
			if (!SESSION_STATUSES.includes(json.status)) return refuse(400, `status must be one of ${SESSION_STATUSES.join(', ')}`);
			// Forced: any state from any state; the contract follows, and the callback goes out (awaited).
			sb.store.moveSession(session, json.status, { force: true });
			const { fields, result } = await sb.notify(session);
			return ok({ session: sessionView(session), fields, callback: result });
		}
		case 'POST /sessions/:uuid/callback': {
			const session = sb.store.findSession(uuid);
			if (!session) return refuse(404, 'not_found');
			const variant = json.variant ?? 'genuine';
			if (!CALLBACK_VARIANTS.includes(variant)) return refuse(400, `variant must be one of ${CALLBACK_VARIANTS.join(', ')}`);
			if (json.url !== undefined && !isHttpUrl(json.url)) return refuse(400, 'url must be an http(s) URL');
			if (json.ageSeconds !== undefined && !(Number.isInteger(json.ageSeconds) && json.ageSeconds > 0)) return refuse(400, 'ageSeconds must be a whole number > 0');
			if (variant === 'duplicate' && !sb.callbacks.lastFields(session.uuid)) return refuse(409, 'no callback was sent for this session yet: nothing to duplicate');
			if (!json.url && !session.partnerUrls?.callbackUrl) return refuse(409, 'the session has no partnerUrls.callbackUrl: pass "url"');
			const { fields, result } = await sb.callbacks.send(session, { variant, url: json.url, ageSeconds: json.ageSeconds });
			return ok({ fields, callback: result });
		}

		case 'GET /faults':
			return ok(sb.faults.list);
		case 'POST /faults':
			try {
				return ok(sb.faults.add(json), 201);
			} catch (error) {
				if (error instanceof FaultError) return refuse(400, error.message);
				throw error;
			}
		case 'DELETE /faults':
			sb.faults.clear();
			return { status: 204 };

		case 'GET /requests': {
			// ?since=<n>: entries from index n on (the length of an earlier answer).
			const since = Number(query.get('since') ?? 0);
			return ok(sb.requestLog.slice(Number.isInteger(since) && since > 0 ? since : 0));
		}
		case 'GET /callbacks':
			return ok(sb.callbacks.log);
		case 'POST /reset':
			sb.reset();
			return { status: 204 };
		default:
			return refuse(404, 'not_found');
	}
}

function isHttpUrl(value) {
	try {
		return ['http:', 'https:'].includes(new URL(value).protocol);
	} catch {
		return false;
	}
}
