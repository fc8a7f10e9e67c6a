// `npm run screenshots`: the README's pictures of the nodes, taken from a real n8n 2.41.1 with this
// package (packed and installed as a community package) and the Inbank sandbox, in Debian's Chromium
// driven by playwright-core. Nothing is installed by hand: the n8n runtime comes from the cache that
// the e2e suites use (scripts/ensure-n8n.sh), the browser from scripts/ensure-browser.sh.
// Writes docs/images/*.png, each at most 150 kB. `n8n-node build` copies every PNG of the repository into
// dist/, so package.json `files` leaves dist/docs out of the npm tarball.
// Workflows and node parameters: scripts/screenshots/workflows.mjs. SCREENSHOTS_OUT=<dir> writes elsewhere;
// SCREENSHOTS_DEBUG=1 prints the whole error of a failed step. Takes 1–2 minutes with the runtime cached.
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { startSandbox } from '../sandbox/server.mjs';
import { createSandboxSession, sandboxCredential } from '../test/e2e/lib/flow.mjs';
import { ensureRuntime, N8n, PACKAGE_NAME, packPackage, REPO } from '../test/e2e/lib/n8n.mjs';
import { ensureChromium, launchChromium, openWorkflow, signIn } from './lib/editor.mjs';
import {
	CREDENTIAL,
	SHOTS,
	START_NODE,
	UNREACHABLE_CREDENTIAL,
	workflows,
} from './screenshots/workflows.mjs';

const OUT = process.env.SCREENSHOTS_OUT ?? join(REPO, 'docs', 'images');
const MAX_BYTES = 150 * 1024;
const OWNER = {
	email: 'owner@example.com',
	firstName: 'Mari',
	lastName: 'Maasikas',
	password: 'Screenshots-0wner-Pass',
};
/** Toasts come and go with timing; the panels show the same messages. Hidden in every page. */
const HIDE_CSS = '.el-notification { display: none !important; }';
/** Clutter at the edges of a clipped picture: floating previews of neighbouring nodes beside a panel,
 * the canvas's side buttons (none is clicked here). */
const HIDE_CLUTTER_CSS = `${[
	'floating-nodes',
	'node-creator-plus-button',
	'command-bar-button',
	'add-sticky-button',
	'toggle-focus-panel-button',
	'instance-ai-canvas-action-button',
]
	.map((id) => `[data-test-id="${id}"]`)
	.join(', ')} { visibility: hidden !important; }`;

const PUBLIC_N8N_URL = 'https://n8n.example.com/';

const t0 = Date.now();
const seconds = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const say = (text) => console.log(`[screenshots] ${text}`);

/** Runs one named step; a failure names the step and leaves a picture of the page for debugging. */
async function step(name, fn, page) {
	say(`${name}   (${seconds()})`);
	try {
		return await fn();
	} catch (error) {
		let where = '';
		if (page && !page.isClosed()) {
			const file = join(mkdtempSync(join(tmpdir(), 'inbank-screenshots-')), 'failed-step.png');
			await page.screenshot({ path: file }).then(
				() => (where = `; the page at that moment: ${file}`),
				() => {},
			);
		}
		throw new Error(`step "${name}" failed: ${error.message.split('\n')[0]}${where}`, {
			cause: error,
		});
	}
}

/** Saves a PNG and checks its size (flat UI colours: a clipped panel is 30–80 kB as Chromium writes it). */
async function save(page, name, options) {
	const file = join(OUT, `${name}.png`);
	await page.mouse.move(1, 1); // no hover effects in the picture
	await page.screenshot({ path: file, animations: 'disabled', ...options });
	const size = statSync(file).size;
	if (size > MAX_BYTES)
		throw new Error(
			`${relative(REPO, file)} is ${Math.round(size / 1024)} kB, over ${MAX_BYTES / 1024} kB: clip it tighter`,
		);
	shots.push({
		file: relative(REPO, file),
		size,
		width: options.clip?.width,
		height: options.clip?.height,
	});
}
const shots = [];
/** The routed trigger's webhook id, from the imported workflow (its Test URL). */
let triggerWebhookId;

/** A POS session as a shop creates it, with `callbackUrl` as partnerUrls.callbackUrl. */
async function createSession(sandbox, callbackUrl) {
	return await createSandboxSession(sandbox.url, {
		productCode: 'smart_rent_demo',
		currency: 'EUR',
		locale: 'et-EE',
		purchase: {
			purchaseReference: '1002',
			description: 'Order 1002: Apple iPhone 15 on Smart Rent',
		},
		rentalApplicationData: {
			assets: [
				{
					type: 'MODEL_BASED',
					modelId: 'apple-iphone-15-128',
					modelName: 'Apple iPhone 15 128GB',
					netPrice: 449,
				},
			],
			period: 24,
		},
		partnerUrls: {
			returnUrl: 'https://shop.example.com/checkout/inbank-return',
			cancelUrl: 'https://shop.example.com/checkout/inbank-cancel',
			callbackUrl,
		},
	});
}

/** The smallest rectangle around the given boxes, with a margin, kept inside `bounds`. */
function around(boxes, margin, bounds) {
	const x0 = Math.max(bounds.x, Math.min(...boxes.map((b) => b.x)) - margin.left);
	const y0 = Math.max(bounds.y, Math.min(...boxes.map((b) => b.y)) - margin.top);
	const x1 = Math.min(
		bounds.x + bounds.width,
		Math.max(...boxes.map((b) => b.x + b.width)) + margin.right,
	);
	const y1 = Math.min(
		bounds.y + bounds.height,
		Math.max(...boxes.map((b) => b.y + b.height)) + margin.bottom,
	);
	return {
		x: Math.round(x0),
		y: Math.round(y0),
		width: Math.round(x1 - x0),
		height: Math.round(y1 - y0),
	};
}

async function box(locator) {
	const b = await locator.boundingBox();
	if (!b) throw new Error(`${locator} is not visible`);
	return b;
}

const canvasNode = (page, name) =>
	page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);

/** Workflow id → its number of nodes: the canvas is drawn when it shows them all. */
const nodeCounts = new Map();

/** Opens a node's panel (double-click on the canvas, as a user does) and waits for its parameters. */
async function openNode(page, name) {
	await canvasNode(page, name).dblclick();
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.locator('[data-test-id="node-parameters"]').waitFor();
	return ndv;
}

/** The picture of the canvas: the nodes and their labels, not the whole editor. */
async function canvasClip(page, margin = { left: 130, right: 130, top: 50, bottom: 70 }) {
	const nodes = await page.locator('[data-test-id="canvas-node"]').all();
	const boxes = await Promise.all(nodes.map(box));
	return around(boxes, margin, await box(page.locator('[data-test-id="canvas"]')));
}

async function main() {
	const stops = [];
	const stopAll = async () => {
		for (const stop of stops.reverse())
			await stop().catch((error) => say(`while stopping: ${error.message}`));
	};
	// Ctrl+C / SIGTERM: test/e2e/lib/n8n.mjs stops n8n and removes its folder; the sandbox and Chromium end
	// with this process.
	try {
		const runtime = await step('n8n runtime (cached by scripts/ensure-n8n.sh)', () =>
			ensureRuntime(),
		);
		await step('browser (scripts/ensure-browser.sh)', () => ensureChromium());
		const tarball = await step('build and pack the package', () => packPackage());

		// On the README's port when it is free, so that the credential's Base URL in the picture is the
		// documented one and does not change from run to run.
		const sandbox = await step('start the Inbank sandbox', () =>
			startSandbox({ port: 4010, log: () => {} }).catch(() =>
				startSandbox({ port: 0, log: () => {} }),
			),
		);
		stops.push(() => sandbox.close());

		const n8n = await step('install the package into a new n8n user folder', () =>
			// The trigger's panel shows its Production URL on this address (nothing calls it here):
			// the same in every run, and the shape a merchant's own n8n gives.
			N8n.create({ runtime, tarball, env: { WEBHOOK_URL: PUBLIC_N8N_URL } }),
		);
		stops.push(() => n8n.stop());
		await step('import the sandbox credential and the workflows', async () => {
			await n8n.importCredentials([
				sandboxCredential(CREDENTIAL, sandbox.url),
				// Port 9 (discard) on loopback: nothing listens, the connection is refused.
				sandboxCredential(UNREACHABLE_CREDENTIAL, 'http://127.0.0.1:9'),
			]);
			// The CRM notes of example 2 go nowhere: nothing runs them here.
			const all = workflows(REPO, PACKAGE_NAME, { crmUrl: 'http://127.0.0.1:9' });
			for (const workflow of all) nodeCounts.set(workflow.id, workflow.nodes.length);
			triggerWebhookId = all
				.find((workflow) => workflow.id === SHOTS.triggerTestEvent.workflow)
				.nodes.find((node) => node.name === SHOTS.triggerTestEvent.node).webhookId;
			await n8n.importWorkflows(all);
		});
		await step('start n8n', () => n8n.start());
		await step('create the owner account', () => n8n.setupOwner(OWNER));

		const browser = await step('launch Chromium', () => launchChromium());
		stops.push(() => browser.close());
		const context = await browser.newContext({
			baseURL: n8n.baseUrl,
			viewport: { width: 1280, height: 800 },
			deviceScaleFactor: 1,
			locale: 'en-US',
			colorScheme: 'light',
			reducedMotion: 'reduce',
		});
		await context.addInitScript((css) => {
			document.addEventListener('DOMContentLoaded', () => {
				const style = document.createElement('style');
				style.textContent = css;
				document.head.append(style);
			});
		}, HIDE_CSS + HIDE_CLUTTER_CSS);
		const page = await context.newPage();
		page.setDefaultTimeout(45_000);
		mkdirSync(OUT, { recursive: true });

		await step('sign in as the owner', () => signIn(page, OWNER), page);

		await step(
			'1 create-form: POS Session → Create with a Model Based and a Category Based asset',
			async () => {
				await page.setViewportSize({ width: 1280, height: 1300 });
				const shot = SHOTS.createForm;
				await openWorkflow(page, shot.workflow, nodeCounts.get(shot.workflow));
				const ndv = await openNode(page, shot.node);
				const assets = ndv.locator(`[data-test-id="fixed-collection-${shot.collection}"]`);
				await assets.locator(`[data-test-id="parameter-input-${shot.lastField}"]`).waitFor();
				// The form's column from its tabs down to the last asset, unscrolled: when fields above
				// push the assets below the panel's bottom, the window grows until they fit.
				const formLocator = ndv.locator('[data-test-id="node-parameters"]');
				let form = await box(formLocator);
				let end = await box(assets);
				const overflow = end.y + end.height + 16 - (form.y + form.height);
				if (overflow > 0) {
					await page.setViewportSize({ width: 1280, height: 1300 + Math.ceil(overflow) });
					await page.waitForFunction(
						([f, a]) => {
							const fb = document.querySelector(f).getBoundingClientRect();
							const ab = document.querySelector(a).getBoundingClientRect();
							return ab.bottom + 16 <= fb.bottom;
						},
						[
							'[data-test-id="ndv"] [data-test-id="node-parameters"]',
							`[data-test-id="ndv"] [data-test-id="fixed-collection-${shot.collection}"]`,
						],
					);
					form = await box(formLocator);
					end = await box(assets);
				}
				const tabs = await box(ndv.locator('[data-test-id="tab-params"]'));
				const top = tabs.y - 8;
				await save(page, 'create-form', {
					clip: {
						x: Math.round(form.x - 1),
						y: Math.round(top),
						width: Math.round(form.width + 2),
						height: Math.round(end.y + end.height + 12 - top),
					},
				});
			},
			page,
		);

		await step(
			'2 credential: the Inbank API credential, tested',
			async () => {
				await page.setViewportSize({ width: 1280, height: 1100 });
				await page.goto(`/home/credentials/${CREDENTIAL.id}`);
				const dialog = page.locator('[data-test-id="credential-edit-dialog"]');
				await dialog
					.locator(`[data-test-id="parameter-input-${SHOTS.credential.lastField}"]`)
					.waitFor();
				// n8n tests a saved credential when it opens it: wait for the answer.
				await dialog
					.locator('[data-test-id="credentials-config-container-test-success"]')
					.waitFor();
				await save(page, 'credential', {
					clip: await box(page.locator('.el-dialog', { has: dialog })),
				});
				await page.keyboard.press('Escape');
			},
			page,
		);

		await step(
			'2b credential-unreachable: the credential test cannot reach the host',
			async () => {
				// A laptop-sized window: the explanation must be in view together with n8n's banner.
				await page.setViewportSize({ width: 1280, height: 800 });
				await page.goto(`/home/credentials/${SHOTS.credentialUnreachable.id}`);
				const dialog = page.locator('[data-test-id="credential-edit-dialog"]');
				const banner = dialog.getByText(/connect with these settings/);
				await banner.waitFor();
				// What a merchant opens to see why (n8n 2.x; 1.x shows its reason in the banner itself).
				const more = dialog.getByText('More details', { exact: true });
				if (await more.isVisible()) {
					await more.click();
					await dialog
						.getByText(/ECONNREFUSED/)
						.filter({ hasNotText: 'cannot be reached' })
						.first()
						.waitFor();
				}
				const notice = dialog.getByText(/the host cannot be reached/);
				const modal = await box(page.locator('.el-dialog', { has: dialog }));
				const bottom = Math.min(modal.y + modal.height, page.viewportSize().height);
				for (const [what, locator] of [
					['the banner', banner],
					['the unreachable-host notice', notice],
				]) {
					const b = await box(locator);
					if (b.y < modal.y || b.y + b.height > bottom)
						throw new Error(
							`${what} is not in view with the credential open (${JSON.stringify(b)})`,
						);
				}
				// Down to the API key: the banner and the notice are the picture's subject.
				const apiKey = await box(dialog.locator('[data-test-id="parameter-input-apiKey"]'));
				await save(page, 'credential-unreachable', {
					clip: { ...modal, height: Math.round(apiKey.y + apiKey.height + 20 - modal.y) },
				});
				await page.keyboard.press('Escape');
			},
			page,
		);

		await step(
			'3 trigger-routed: the trigger with one output per status, on the canvas',
			async () => {
				// A squarer view lets the canvas fit the six outputs at a readable zoom.
				await page.setViewportSize({ width: 960, height: 900 });
				await openWorkflow(
					page,
					SHOTS.triggerRouted.workflow,
					nodeCounts.get(SHOTS.triggerRouted.workflow),
				);
				await save(page, 'trigger-routed', {
					clip: await canvasClip(page, { left: 60, right: 60, top: 30, bottom: 40 }),
				});
			},
			page,
		);

		await step(
			'3b trigger-panel: the trigger panel with Route Each Status to Its Own Output on',
			async () => {
				await page.setViewportSize({ width: 1280, height: 1000 });
				const shot = SHOTS.triggerPanel;
				await openWorkflow(page, shot.workflow, nodeCounts.get(shot.workflow));
				const ndv = await openNode(page, shot.node);
				await ndv.locator(`[data-test-id="parameter-input-${shot.field}"]`).waitFor();
				// Open Webhook URLs on the Production URL: what the merchant pastes into callbackUrl.
				await ndv.getByText('Webhook URLs', { exact: true }).click();
				// In the parameters, where the toggle comes before the callout that names the Production URL too
				// (the trigger panel's steps on the left name it as well).
				await ndv
					.locator('[data-test-id="node-parameters"]')
					.getByText('Production URL', { exact: true })
					.first()
					.click();
				await ndv.getByText(`${PUBLIC_N8N_URL}webhook/`).first().waitFor();
				await save(page, 'trigger-panel', { clip: await box(ndv) });
			},
			page,
		);

		await step(
			'3c trigger-test-event: a granted test event into the routed trigger, as a merchant tests it',
			async () => {
				await page.setViewportSize({ width: 1280, height: 1000 });
				const shot = SHOTS.triggerTestEvent;
				await openWorkflow(page, shot.workflow, nodeCounts.get(shot.workflow));
				const ndv = await openNode(page, shot.node);
				// The panel's texts name this button: it must read so in this n8n.
				const button = ndv.locator('[data-test-id="trigger-execute-button"]');
				const label = (await button.innerText()).trim();
				if (label !== 'Execute step')
					throw new Error(
						`the trigger's test button reads "${label}"; the panel says Execute step`,
					);
				await button.click();
				await ndv
					.locator('[data-test-id="trigger-listening"]')
					.getByText('Go to Inbank Smart Rent and create an event')
					.waitFor();
				// Steps 2 and 3 of the panel: a POS session with the Test URL as Callback URL, approved
				// on its redirectUrl (the sandbox then sends the signed callback and waits for n8n's answer).
				const session = await createSession(
					sandbox,
					`${n8n.baseUrl}/webhook-test/${triggerWebhookId}/callback`,
				);
				const decision = await fetch(`${sandbox.url}/session/${session.uuid}/decision`, {
					method: 'POST',
					headers: { 'content-type': 'application/x-www-form-urlencoded' },
					body: 'decision=approve',
					redirect: 'manual',
				});
				if (decision.status !== 303)
					throw new Error(`the decision answered ${decision.status}: ${await decision.text()}`);
				const tab = `${shot.status[0].toUpperCase()}${shot.status.slice(1)} Branch`;
				await ndv
					.locator('[data-test-id="output-panel"] [data-test-id="node-hint"]')
					.getByText(tab)
					.waitFor();
				await save(page, 'trigger-test-event', { clip: await box(ndv) });
			},
			page,
		);

		await step(
			'4 validation-error: executing a node with an invalid item',
			async () => {
				await page.setViewportSize({ width: 1280, height: 800 });
				await openWorkflow(
					page,
					SHOTS.validationError.workflow,
					nodeCounts.get(SHOTS.validationError.workflow),
				);
				const ndv = await openNode(page, SHOTS.validationError.node);
				await ndv.locator('[data-test-id="node-execute-button"]').first().click();
				await ndv
					.locator('[data-test-id="output-panel"] [data-test-id="node-error-message"]')
					.waitFor();
				// The run has ended when the button is back from its spinner and the input panel shows
				// what the trigger passed in.
				await page.waitForFunction(() =>
					/Execute/.test(
						document.querySelector('[data-test-id="ndv"] [data-test-id="node-execute-button"]')
							?.textContent ?? '',
					),
				);
				await ndv
					.locator('[data-test-id="ndv-input-panel"]')
					.getByText(START_NODE, { exact: true })
					.waitFor();
				await save(page, 'validation-error', { clip: await box(ndv) });
			},
			page,
		);

		await step(
			'5 lifecycle: a lifecycle chain executed against the sandbox',
			async () => {
				await page.setViewportSize({ width: 1200, height: 600 });
				await openWorkflow(
					page,
					SHOTS.lifecycle.workflow,
					nodeCounts.get(SHOTS.lifecycle.workflow),
				);
				const nodes = page.locator('[data-test-id="canvas-node"]');
				const count = await nodes.count();
				await page.locator('[data-test-id="execute-workflow-button"]').click();
				// Done when every node shows its green check and every connection its item count, or a
				// node shows an error.
				await page.waitForFunction(
					(n) =>
						document.querySelector('[data-test-id="canvas-node-status-error"]') ||
						(document.querySelectorAll('[data-test-id="canvas-node-status-success"]').length >= n &&
							[...document.querySelectorAll('[data-test-id="edge-label"]')].filter((label) =>
								/\bitems?\b/.test(label.textContent),
							).length >=
								n - 1),
					count,
				);
				const failed = await page.locator('[data-test-id="canvas-node-status-error"]').count();
				if (failed) throw new Error(`${failed} node(s) failed: is the sandbox answering?`);
				await save(page, 'lifecycle', {
					clip: await canvasClip(page, { left: 90, right: 110, top: 40, bottom: 60 }),
				});
			},
			page,
		);
	} finally {
		await stopAll();
	}
}

main().then(
	() => {
		for (const shot of shots)
			say(
				`${shot.file}  ${(shot.size / 1024).toFixed(1)} kB${shot.width ? `  ${shot.width}×${shot.height}` : ''}`,
			);
		say(`done in ${seconds()}`);
	},
	(error) => {
		console.error(`[screenshots] ${error.message}`);
		if (process.env.SCREENSHOTS_DEBUG === '1') console.error(error.cause ?? error);
		process.exitCode = 1;
	},
);
