// The customer's side of e-POS, as far as a shop's integration sees it: the order, and a decision.
// Plain HTML with no external assets, so it renders anywhere (and in headless Chromium).
import { demoDecision } from './store.mjs';

const escape = (value) =>
	String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const money = (n, currency = 'EUR') => `${Number(n).toFixed(2)} ${escape(currency)}`;

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f4f1fb;margin:0;color:#1a1033}
main{max-width:560px;margin:40px auto;background:#fff;border-radius:16px;padding:32px;box-shadow:0 8px 30px #6c2bd922}
h1{font-size:22px;margin:0 0 4px}.muted{color:#6b6680;font-size:14px}
table{width:100%;border-collapse:collapse;margin:20px 0}td{padding:8px 0;border-bottom:1px solid #eee}td.r{text-align:right}
.total td{font-weight:600;border-bottom:none}.badge{display:inline-block;padding:2px 10px;border-radius:99px;background:#eee;font-size:13px}
.actions{display:flex;gap:12px;margin-top:24px}button{flex:1;padding:14px;border-radius:10px;border:0;font-size:16px;cursor:pointer}
#approve{background:#6c2bd9;color:#fff}#decline{background:#f1e8ff;color:#6c2bd9}#cancel{background:#fff;border:1px solid #ccc}
.note{background:#fff8e1;border-radius:8px;padding:10px 14px;font-size:13px;margin-top:16px}`;

function layout(title, body) {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export function sessionPage(session, shopName, monthly) {
	const rental = session.rentalApplicationData;
	const rows = rental.assets
		.map((a, i) => `<tr><td>${escape(a.modelName)}${i === 0 ? ' <span class="badge">device</span>' : ''}</td><td class="r">${money(a.netPrice, session.currency)}</td></tr>`)
		.join('');
	const decision = demoDecision(session.totalAmount);
	const hint = {
		positive: 'Demo rules: this amount is approved when you approve.',
		negative: 'Demo rules: this amount (1001–1100) is declined even when you approve.',
		manual: 'Demo rules: your button decides.',
	}[decision];
	const open = session.status === 'pending';
	return layout(
		`Inbank Smart Rent – ${session.purchase?.description ?? ''}`,
		`<div class="muted">Inbank Smart Rent sandbox · ${escape(shopName)}</div>
<h1 id="description">${escape(session.purchase?.description)}</h1>
<div class="muted">Order ${escape(session.purchase?.purchaseReference ?? '–')} · session <span id="session-uuid">${escape(session.uuid)}</span></div>
<table><tbody>${rows}
<tr class="total"><td>Total (net)</td><td class="r" id="total">${money(session.totalAmount, session.currency)}</td></tr>
<tr><td>Period</td><td class="r">${escape(rental.period)} months</td></tr>
<tr><td>Estimated monthly rent</td><td class="r" id="monthly">${money(monthly, session.currency)}</td></tr>
<tr><td>Insurance</td><td class="r">${rental.insuranceUsed === false ? 'no' : 'yes'}</td></tr>
<tr><td>Status</td><td class="r"><span class="badge" id="status">${escape(session.status)}</span></td></tr></tbody></table>
${
	open
		? `<form method="post" action="/session/${encodeURIComponent(session.uuid)}/decision" class="actions">
<button id="approve" name="decision" value="approve" type="submit">Approve</button>
<button id="decline" name="decision" value="decline" type="submit">Decline</button>
<button id="cancel" name="decision" value="cancel" type="submit">Cancel</button></form>
<div class="note">${escape(hint)}</div>`
		: `<div class="note" id="closed">This session is ${escape(session.status)}; nothing to decide.</div>`
}`,
	);
}

export function resultPage(session) {
	return layout(
		'Inbank Smart Rent – result',
		`<h1>Session ${escape(session.status)}</h1><p class="muted" id="status">${escape(session.status)}</p>
<p>The shop set no return URL, so the sandbox shows the result here.</p>`,
	);
}

export function notFoundPage() {
	return layout('Not found', '<h1>Session not found</h1>');
}
