// The customer's side of e-POS, as far as a shop's integration sees it: the order, and a decision.
// Plain HTML with no external assets (no scripts, fonts or images), so it renders anywhere, also in a
// headless browser. Stable ids for tests: #approve, #decline, #cancel, #status, #description, #total.
import { demoDecision } from './pricing.mjs';

const escape = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const money = (n, currency = 'EUR') => `${Number(n).toFixed(2)} ${escape(currency)}`;

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f1fb;margin:0;color:#1a1033}
main{max-width:600px;margin:40px auto;background:#fff;border-radius:16px;padding:32px;box-shadow:0 8px 30px #6c2bd922}
h1{font-size:22px;margin:4px 0}.muted{color:#6b6680;font-size:14px}
table{width:100%;border-collapse:collapse;margin:20px 0}td{padding:8px 0;border-bottom:1px solid #eee;vertical-align:top}td.r{text-align:right;white-space:nowrap}
tr.total td{font-weight:600}.badge{display:inline-block;padding:1px 9px;border-radius:99px;background:#eee;font-size:12px;margin-left:4px}
.actions{display:flex;gap:12px;margin-top:24px}button{flex:1;padding:14px;border-radius:10px;border:0;font-size:16px;cursor:pointer}
#approve{background:#6c2bd9;color:#fff}#decline{background:#f1e8ff;color:#6c2bd9}#cancel{background:#fff;border:1px solid #ccc}
.note{background:#fff8e1;border-radius:8px;padding:10px 14px;font-size:13px;margin-top:16px}`;

function layout(title, body) {
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

const DEMO_HINTS = {
	positive: 'Demo rules: this amount (0–500 or from 1426) is granted when you approve.',
	negative: 'Demo rules: this amount (1001–1100) is declined even when you approve.',
	manual: 'Demo rules: for this amount your button decides.',
};

/** The decision page for a session. `monthly` is the estimated gross monthly payment. */
export function sessionPage(session, shopName, monthly) {
	const rental = session.rentalApplicationData;
	const currency = session.currency;
	const assetRows = rental.assets
		.map((asset, i) => {
			const label = i === 0 ? 'device' : (asset.categoryCode ?? 'item');
			return `<tr class="asset"><td>${escape(asset.modelName)}<span class="badge">${escape(label)}</span></td><td class="r">${money(asset.netPrice, currency)}</td></tr>`;
		})
		.join('\n');
	const deductions = [
		rental.grossTradeInAmount ? `<tr><td>Trade-in</td><td class="r">−${money(rental.grossTradeInAmount, currency)}</td></tr>` : '',
		rental.grossCampaignDiscount ? `<tr><td>Campaign discount</td><td class="r">−${money(rental.grossCampaignDiscount, currency)}</td></tr>` : '',
	].join('');
	const open = session.status === 'pending';
	const actions = open
		? `<form method="post" action="/session/${encodeURIComponent(session.uuid)}/decision" class="actions">
<button id="approve" name="decision" value="approve" type="submit">Approve</button>
<button id="decline" name="decision" value="decline" type="submit">Decline</button>
<button id="cancel" name="decision" value="cancel" type="submit">Cancel</button>
</form>
<div class="note" id="demo-rule">${escape(DEMO_HINTS[demoDecision(session.totalAmount)])}</div>`
		: `<div class="note" id="closed">This application is ${escape(session.status)}; there is nothing left to decide.</div>`;
	return layout(
		`Inbank Smart Rent – ${session.purchase?.description ?? ''}`,
		`<div class="muted">Inbank Smart Rent (sandbox) · <span id="shop">${escape(shopName)}</span></div>
<h1 id="description">${escape(session.purchase?.description)}</h1>
<div class="muted">Order ${escape(session.purchase?.purchaseReference ?? '–')} · application <span id="session-uuid">${escape(session.uuid)}</span></div>
<table><tbody>
${assetRows}
${deductions}
<tr class="total"><td>Total</td><td class="r" id="total">${money(session.totalAmount, currency)}</td></tr>
<tr><td>Period</td><td class="r" id="period">${escape(rental.period)} months</td></tr>
<tr><td>Estimated monthly payment</td><td class="r" id="monthly">${money(monthly, currency)}</td></tr>
<tr><td>Insurance</td><td class="r">${rental.insuranceUsed === false ? 'no' : 'yes'}</td></tr>
<tr><td>Valid until</td><td class="r">${escape(session.validUntil)}</td></tr>
<tr><td>Status</td><td class="r"><span class="badge" id="status">${escape(session.status)}</span></td></tr>
</tbody></table>
${actions}`,
	);
}

/** Shown after a decision when the shop gave no partner URLs to send the customer back to. */
export function resultPage(session) {
	const text = {
		granted: 'Your Smart Rent application was approved. The shop will finish the order.',
		declined: 'Your Smart Rent application was declined.',
		cancelled: 'You cancelled the application.',
		expired: 'The application expired before it was finished.',
	}[session.status] ?? `The application is ${session.status}.`;
	return layout(
		'Inbank Smart Rent – result',
		`<div class="muted">Inbank Smart Rent (sandbox)</div>
<h1>Application <span id="status">${escape(session.status)}</span></h1>
<p id="result">${escape(text)}</p>
<p class="muted">The shop set no return URL, so the sandbox shows the result here.</p>`,
	);
}

/** A decision on a session that is no longer pending (a second click, an expired session…). */
export function closedPage(session) {
	return layout(
		'Inbank Smart Rent – nothing to decide',
		`<h1>Nothing to decide</h1><p id="closed">This application is <span id="status">${escape(session.status)}</span>.</p>`,
	);
}

export function notFoundPage() {
	return layout('Inbank Smart Rent – not found', '<h1>Application not found</h1><p class="muted">The link is wrong, or the sandbox was restarted or reset.</p>');
}
