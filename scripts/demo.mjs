// `npm run demo`: the whole Smart Rent flow on this machine, with no Inbank account.
// Fetches (once, then cached) Node 24 and n8n from the npm registry, starts the Inbank sandbox and a
// real n8n with this package, imports the sandbox credential and the example workflows, places an
// order through the shop checkout workflow, approves it on the sandbox's customer page as a customer
// would, and shows the callbacks driving the full-flow workflow until the order is paid. Then it
// stops everything it started. DEMO_KEEP_RUNNING=1 keeps n8n and the sandbox up to look around, with an
// n8n owner account to sign in with; Ctrl+C or SIGTERM then stops both and removes n8n's folder.
import { randomBytes } from 'node:crypto';

import { DEFAULT_SHOP } from '../sandbox/server.mjs';
import { ensureRuntime, onStopSignal, packPackage } from '../test/e2e/lib/n8n.mjs';
import { CREDENTIAL, demoOrder, startFlow } from '../test/e2e/lib/flow.mjs';

const t0 = Date.now();
const seconds = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
let stepNo = 0;
const STEPS = 8;
const step = (text) => console.log(`\n[${++stepNo}/${STEPS}] ${text}`);
const info = (text) => console.log(`      ${text}`);
process.env.E2E_QUIET = '1';
const KEEP_RUNNING = process.env.DEMO_KEEP_RUNNING === '1';
/** The editor's login: a fresh password each run (n8n asks for 8+ characters, a digit and a capital). */
const OWNER = { email: 'demo@example.com', firstName: 'Demo', lastName: 'Merchant', password: `Demo-${randomBytes(6).toString('hex')}-1` };
let signalled = false;

async function main() {
	step('Preparing Node 24 and n8n 2.41.1 (downloaded once from the npm registry, then cached)');
	const runtime = await ensureRuntime();
	info(`runtime: ${runtime.dir}   (${seconds()})`);

	step('Building and packing n8n-nodes-inbank');
	info(`package: ${await packPackage()}   (${seconds()})`);

	step('Starting the Inbank sandbox and n8n with the package, the sandbox credential and the examples');
	const flow = await startFlow({ examples: ['checkout', 'fullFlow'], log: (line) => info(line) });
	// SIGINT / SIGTERM: test/e2e/lib/n8n.mjs runs this, stops n8n, removes its folder, then exits.
	onStopSignal(async () => {
		signalled = true;
		console.log('\nStopping n8n and the sandbox…');
		await flow.stop();
		console.log(`Stopped; removed ${flow.n8n.home}.`);
	});
	try {
		await flow.n8n.setupOwner(OWNER);
		info(`Inbank sandbox: ${flow.sandbox.url}`);
		info(`n8n:            ${flow.n8n.baseUrl}   (workflows published: shop checkout, full Smart Rent flow)   (${seconds()})`);
		info(`n8n login:      ${OWNER.email} / ${OWNER.password}   (owner account set up for this run)`);

		const orderId = `DEMO-${Date.now().toString().slice(-6)}`;
		step(`The shop's checkout sends order ${orderId} to n8n (example 1: Create POS session)`);
		const session = await flow.checkout(demoOrder(orderId));
		info(`POS session ${session.sessionUuid}: ${session.status}`);
		info(`redirectUrl: ${session.redirectUrl}`);

		step('The customer opens the Inbank page and clicks Approve');
		const page = await fetch(session.redirectUrl).then((r) => r.text());
		info(`page shows: ${page.match(/<h1 id="description">([^<]*)/)?.[1] ?? '?'}`);
		const decision = await fetch(`${session.redirectUrl}/decision`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'decision=approve',
			redirect: 'manual',
		});
		const returnUrl = new URL(decision.headers.get('location'));
		info(`browser sent back to the shop: ${returnUrl.origin}${returnUrl.pathname} (with hmac, timestamp, message)`);
		await fetch(returnUrl);

		step('Inbank calls back "granted": the trigger verifies it, the workflow registers the IMEI and activates');
		const granted = await flow.waitFor('the granted callback', async () =>
			(await flow.control('GET', '/callbacks')).find((c) => c.sessionUuid === session.sessionUuid && c.sessionStatus === 'granted'),
		);
		info(`callback granted -> n8n answered HTTP ${granted.httpStatus ?? granted.error}`);
		const activated = await flow.waitFor('the activation note', () => flow.crmNotes().find((n) => n.order === orderId && /activated/.test(n.note)));
		info(`CRM note: "${activated.note}"`);

		step('Inbank calls back "completed": the workflow marks the order paid');
		const paid = await flow.waitFor('the order-paid note', () => flow.crmNotes().find((n) => n.order === orderId && /order paid/.test(n.note)));
		info(`CRM note: "${paid.note}" (status ${paid.status})`);

		step('Checking with Inbank (the sandbox) what happened');
		const stored = (await flow.control('GET', '/sessions')).find((s) => s.uuid === session.sessionUuid);
		const contract = (await flow.control('GET', '/contracts')).find((c) => c.uuid === stored.creditContractUuid);
		const callbacks = (await flow.control('GET', '/callbacks')).filter((c) => c.sessionUuid === session.sessionUuid);
		const requests = (await flow.control('GET', '/requests')).filter((r) => r.path.startsWith('/partner/')).map((r) => `${r.method} ${r.path.replace(/^\/partner\/v3\/shops\/[^/]+/, '')} -> ${r.status}`);

		console.log('\nSummary');
		console.log('-------');
		console.log(`  order              ${orderId}`);
		console.log(`  POS session        ${stored.uuid}: ${stored.status}`);
		console.log(`  contract           ${contract.referenceNumber}: ${contract.status}, IMEI ${contract.assetIdentifiers.map((a) => a.identifier).join(', ')}`);
		console.log(`  monthly rent       ${contract.details.rentalSchedule.grossMonthlyPayment} EUR for ${stored.rentalApplicationData.period} months`);
		console.log(`  callbacks          ${callbacks.map((c) => `${c.sessionStatus} (HTTP ${c.httpStatus ?? c.error})`).join(', ')}`);
		console.log(`  Inbank API calls   ${requests.length}`);
		for (const line of requests) console.log(`                     ${line}`);
		console.log(`  CRM notes          ${flow.crmNotes().filter((n) => n.order === orderId).map((n) => `"${n.note}"`).join(', ')}`);
		console.log(`\nDemo finished in ${seconds()}: the order was created, approved, activated and paid.`);

		if (KEEP_RUNNING) {
			console.log('\nStill running (DEMO_KEEP_RUNNING=1). Ctrl+C stops n8n and the sandbox and removes n8n\'s folder.');
			console.log(`  n8n URL             ${flow.n8n.baseUrl}`);
			console.log(`  n8n login           ${OWNER.email} / ${OWNER.password}`);
			console.log(`  n8n folder          ${flow.n8n.home}`);
			console.log(`  sandbox URL         ${flow.sandbox.url}`);
			console.log(
				`  sandbox credential  "${CREDENTIAL.name}" in n8n: Environment Demo, Country ${DEFAULT_SHOP.country}, Shop UUID ${DEFAULT_SHOP.uuid}, API key ${DEFAULT_SHOP.apiKey}, Base URL ${flow.sandbox.url}`,
			);
			return;
		}
	} catch (error) {
		await flow.stop();
		throw error;
	}
	await flow.stop();
	console.log('Stopped n8n and the sandbox.');
}

main().catch((error) => {
	// A stop by Ctrl+C / SIGTERM fails the step under way; that is not the demo failing.
	if (signalled) return;
	console.error(`\nDemo failed: ${error.message}`);
	process.exitCode = 1;
});
