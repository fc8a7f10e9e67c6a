// `npm run video`: the demo video n8n's verification asks for, in one take: the credential test passing,
// Create POS session behind a shop's checkout, the customer approving on Inbank's page, the trigger
// firing and the order marked paid, and the node as an AI agent's tool (with a local stand-in for the
// model: scripts/video/ai-agent.mjs). A real n8n 2.41.1 with this package (packed and installed as a
// community package) and the Inbank sandbox, the example workflows, Debian's Chromium driven by
// playwright-core (the screenshots' machinery: scripts/screenshots.mjs), frames from Chromium's
// screencast encoded by Debian's ffmpeg into WebM (VP9).
// Writes video/n8n-nodes-inbank-demo.webm (VIDEO_OUT=<file> writes elsewhere); video/ is not committed
// and not in the npm tarball. Fails if a scene does not happen or the take is longer than 5 minutes.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';

import { CREDENTIAL, demoOrder, startFlow } from '../test/e2e/lib/flow.mjs';
import { ensureRuntime, PACKAGE_NAME, packPackage, REPO } from '../test/e2e/lib/n8n.mjs';
import { ensureChromium, launchChromium, openWorkflow, signIn } from './lib/editor.mjs';
import { AI_NODES, AI_WORKFLOW_ID, aiAgentSetup, EAN, startStandInModel } from './video/ai-agent.mjs';
import { DEFAULT_PRODUCT } from '../sandbox/server.mjs';

const run = promisify(execFile);
const OUT = process.env.VIDEO_OUT ?? join(REPO, 'video', 'n8n-nodes-inbank-demo.webm');
const MAX_SECONDS = 5 * 60;
const VIEWPORT = { width: 1280, height: 800 };
const OWNER = { email: 'owner@example.com', firstName: 'Mari', lastName: 'Maasikas', password: 'Video-0wner-Passw0rd' };
const ORDER_ID = '1001';
/** Toasts and the canvas's side buttons: clutter in a video about the nodes. */
const HIDE_CSS = `.el-notification, [data-test-id="command-bar-button"], [data-test-id="instance-ai-canvas-action-button"] { display: none !important; }`;

const t0 = Date.now();
const seconds = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const say = (text) => console.log(`[video] ${text}`);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Chromium's screencast: every frame it paints, with its time, written to disk as it arrives. */
async function startRecording(context, page, dir) {
	const cdp = await context.newCDPSession(page);
	const frames = [];
	let stopped = false;
	cdp.on('Page.screencastFrame', ({ data, sessionId }) => {
		if (stopped) return;
		const file = join(dir, `frame-${String(frames.length).padStart(5, '0')}.jpg`);
		writeFileSync(file, Buffer.from(data, 'base64'));
		// Arrival time, on the clock that ends the take: the first frame's own timestamp is when it was
		// painted, possibly long before the recording started.
		frames.push({ file, time: Date.now() / 1000 });
		cdp.send('Page.screencastFrameAck', { sessionId }).catch(() => {});
	});
	await cdp.send('Page.startScreencast', { format: 'jpeg', quality: 85, maxWidth: VIEWPORT.width, maxHeight: VIEWPORT.height, everyNthFrame: 1 });
	return {
		async stop() {
			if (stopped) return { frames, end: Date.now() / 1000 };
			stopped = true;
			await cdp.send('Page.stopScreencast');
			return { frames, end: Date.now() / 1000 };
		},
	};
}

/** One WebM from the frames, each shown until the next (the screencast sends frames only on change). */
async function encode({ frames, end }, dir, out) {
	if (frames.length < 2) throw new Error(`the screencast delivered ${frames.length} frame(s)`);
	const lines = [];
	frames.forEach((frame, index) => {
		const next = frames[index + 1]?.time ?? end;
		lines.push(`file '${frame.file}'`, `duration ${Math.max(0.001, next - frame.time).toFixed(3)}`);
	});
	lines.push(`file '${frames.at(-1).file}'`); // the concat demuxer's last duration needs a repeat
	const list = join(dir, 'frames.txt');
	writeFileSync(list, `${lines.join('\n')}\n`);
	mkdirSync(dirname(out), { recursive: true });
	await run('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-vf', `fps=12,scale=${VIEWPORT.width}:-2,format=yuv420p`, '-c:v', 'libvpx-vp9', '-b:v', '0', '-crf', '38', '-deadline', 'good', '-cpu-used', '5', '-row-mt', '1', '-an', out], { maxBuffer: 16 * 1024 * 1024 });
	const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', out]);
	return Number(stdout.trim());
}

/** The bar at the bottom of the picture that says what is happening; kept across page loads. */
let captionText = '';
async function caption(page, text) {
	captionText = text;
	say(`scene: ${text}   (${seconds()})`);
	await showCaption(page);
}
async function showCaption(page) {
	await page.evaluate((text) => {
		let bar = document.getElementById('inbank-video-caption');
		if (!bar) {
			bar = document.createElement('div');
			bar.id = 'inbank-video-caption';
			bar.style.cssText = 'position:fixed;left:0;right:0;bottom:0;z-index:2147483647;padding:12px 24px;background:rgba(17,24,39,.88);color:#fff;font:500 19px/1.35 system-ui,sans-serif;pointer-events:none';
			document.body.append(bar);
		}
		bar.textContent = text;
	}, captionText);
}

/** A stand-in for the shop's product page: its button posts the order to the shop, which calls n8n. */
async function startShop(checkout) {
	const server = createServer((req, res) => {
		if (req.method === 'GET' && req.url === '/') {
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
			res.end(`<!doctype html><html><head><title>Demo shop</title><style>
body{font:17px/1.5 system-ui,sans-serif;margin:0;background:#f5f5f7;color:#1d1d1f}main{max-width:560px;margin:80px auto;background:#fff;border-radius:16px;padding:40px;box-shadow:0 4px 24px rgba(0,0,0,.08)}
h1{margin:0 0 8px;font-size:30px}.price{font-size:22px;margin:16px 0}button{width:100%;padding:16px;border:0;border-radius:10px;background:#6b3fa0;color:#fff;font-size:18px;cursor:pointer}
</style></head><body><main><p>Demo shop · order ${ORDER_ID}</p><h1>Apple iPhone 15 128GB</h1><p>449.00 € + 4.90 € shipping, or rent it for 24 months.</p>
<form method="post" action="/checkout"><button id="rent" type="submit">Rent with Inbank Smart Rent</button></form></main></body></html>`);
			return;
		}
		if (req.method === 'POST' && req.url === '/checkout') {
			req.resume();
			checkout().then(
				(session) => {
					res.writeHead(303, { location: session.redirectUrl });
					res.end();
				},
				(error) => {
					res.writeHead(500, { 'content-type': 'text/plain' });
					res.end(String(error.message));
				},
			);
			return;
		}
		res.writeHead(404);
		res.end();
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * The workflow's Executions tab on its execution `index` places from the newest (n8n opens the newest),
 * drawn with its nodes' status; `node` must be among the nodes that ran.
 */
async function openExecution(page, workflowId, { count, index, node }) {
	await page.goto(`/workflow/${workflowId}/executions`);
	const cards = page.locator('.execution-card');
	await page.waitForFunction((n) => document.querySelectorAll('.execution-card').length >= n, count);
	if (index > 0) {
		// The card's test id ends in the execution's id; the canvas is redrawn once the address has it.
		const executionId = (await cards.nth(index).getAttribute('data-test-id'))?.replace(/^execution-details-/, '');
		await cards.nth(index).click();
		await page.waitForURL((url) => url.pathname.endsWith(`/executions/${executionId}`));
	}
	if (!(await shows(ran(page, node), 30_000))) throw new Error(`${workflowId}: the execution ${index} places from the newest did not run ${node}`);
}

/** Whether `locator` appears within a few seconds (an execution's canvas is drawn after its data loads). */
const shows = (locator, timeout = 8000) => locator.waitFor({ timeout }).then(() => true, () => false);
const ran = (page, node) => page.locator(`[data-test-id="canvas-node"][data-node-name="${node}"] [data-test-id="canvas-node-status-success"]`);

async function main() {
	const frameDir = mkdtempSync(join(tmpdir(), 'inbank-video-'));
	const stops = [async () => rmSync(frameDir, { recursive: true, force: true })];
	const stopAll = async () => {
		for (const stop of stops.reverse()) await stop().catch((error) => say(`while stopping: ${error.message}`));
	};
	try {
		say('n8n runtime, browser, ffmpeg, package');
		await ensureRuntime();
		await ensureChromium();
		await run('bash', [join(REPO, 'scripts/ensure-ffmpeg.sh')]);
		await packPackage();

		say(`starting the Inbank sandbox and n8n with the examples   (${seconds()})`);
		const model = await startStandInModel();
		stops.push(() => model.close());
		const flow = await startFlow({
			examples: ['checkout', 'fullFlow'],
			extra: async () => aiAgentSetup({ modelUrl: model.url, packageName: PACKAGE_NAME, inbankCredential: CREDENTIAL, productCode: DEFAULT_PRODUCT.code }),
		});
		stops.push(() => flow.stop());
		await flow.n8n.setupOwner(OWNER);
		const shop = await startShop(async () => await flow.checkout(demoOrder(ORDER_ID)));
		stops.push(() => shop.close());

		const browser = await launchChromium();
		stops.push(() => browser.close());
		const context = await browser.newContext({ baseURL: flow.n8n.baseUrl, viewport: VIEWPORT, deviceScaleFactor: 1, locale: 'en-US', colorScheme: 'light' });
		await context.addInitScript((css) => {
			document.addEventListener('DOMContentLoaded', () => {
				const style = document.createElement('style');
				style.textContent = css;
				document.head.append(style);
				// n8n's Production Checklist pops up over a published workflow once, at a moment of its own:
				// closed (Escape, as a user would) and hidden the moment it appears.
				new MutationObserver(() => {
					for (const popover of document.querySelectorAll('[data-reka-popper-content-wrapper]')) {
						if (popover.style.display === 'none' || !popover.textContent.includes('Production Checklist')) continue;
						popover.style.display = 'none';
						document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
					}
				}).observe(document.body, { childList: true, subtree: true });
			});
		}, HIDE_CSS);
		const page = await context.newPage();
		failedPage = page;
		page.setDefaultTimeout(60_000);
		page.on('load', () => showCaption(page).catch(() => {}));
		await signIn(page, OWNER);

		const recording = await startRecording(context, page, frameDir);
		stops.push(() => recording.stop());
		say(`recording   (${seconds()})`);

		// 1. The credential: n8n tests a saved credential when it opens it.
		await page.goto(`/home/credentials/${CREDENTIAL.id}`);
		await caption(page, '1/6 · The Inbank API credential (API key, environment, country, shop): n8n tests it against Inbank, here the local sandbox');
		const dialog = page.locator('[data-test-id="credential-edit-dialog"]');
		await dialog.locator('[data-test-id="credentials-config-container-test-success"]').waitFor();
		await pause(6000);
		await page.keyboard.press('Escape');

		// 2. Create POS session, as the shop's checkout workflow (example 1) has it.
		await openWorkflow(page, 'exampleCheckout', 3);
			await caption(page, '2/6 · Example 1: the shop’s checkout calls this webhook; Inbank Smart Rent → Create POS session answers with Inbank’s redirectUrl');
		await pause(3500);
		await page.locator('[data-test-id="canvas-node"][data-node-name="Create POS session"]').dblclick();
		const ndv = page.locator('[data-test-id="ndv"]');
		await ndv.locator('[data-test-id="node-parameters"]').waitFor();
		await caption(page, '2/6 · Create POS session: the order’s fields from the checkout, validated before anything is sent to Inbank');
		await pause(4000);
		await ndv.locator('[data-test-id="node-parameters"]').hover();
		for (let i = 0; i < 6; i++) {
			await page.mouse.wheel(0, 250);
			await pause(700);
		}
		await pause(1500);
		await page.keyboard.press('Escape');

		// The trigger workflow (example 3) that the session's Callback URL points at.
		await openWorkflow(page, 'exampleFullFlow', 7);
			await caption(page, 'Example 3: Inbank Smart Rent Trigger receives Inbank’s signed callbacks, one output per status: granted → activate, completed → paid');
		await pause(5000);

		// 3. The customer: the shop's page, Inbank's page, Approve.
		await page.goto(shop.url);
		await caption(page, '3/6 · The customer checks out in the shop: the shop posts the order to the n8n workflow');
		await pause(3500);
		await page.locator('#rent').click();
		await page.locator('#approve').waitFor();
		await caption(page, '3/6 · Inbank’s page (the sandbox’s) for the POS session that n8n created: the customer approves');
		await pause(4000);
		await page.locator('#approve').click();
		await page.waitForLoadState('load');
		await caption(page, '3/6 · Inbank sends the customer back to the shop, and calls the trigger with the new status');
		await pause(3500);

		// 4. The executions: Create POS session, then the callbacks granted and completed.
		const session = await flow.waitFor('the session', async () => (await flow.control('GET', '/sessions')).find((s) => s.purchase?.purchaseReference === ORDER_ID));
		await flow.waitFor('the order-paid note', () => flow.crmNotes().find((n) => n.order === ORDER_ID && /order paid/.test(n.note)), 90_000);
		await caption(page, `4/6 · The checkout’s execution: Create POS session created session ${session.uuid.slice(0, 8)}… (pending) and answered its redirectUrl`);
		await openExecution(page, 'exampleCheckout', { count: 1, index: 0, node: 'Create POS session' });
		await pause(3000);
		await page.locator('[data-test-id="canvas-node"][data-node-name="Create POS session"]').dblclick();
		await page.locator('[data-test-id="output-panel"]').getByText(session.uuid).first().waitFor();
		await pause(6000);
		await page.keyboard.press('Escape');

		// Two callbacks, two executions: granted (the older), then completed.
		await caption(page, '5/6 · Callback "granted", signature verified: Get POS session → Update asset identifiers (IMEI) → Activate contract → CRM note');
		await openExecution(page, 'exampleFullFlow', { count: 2, index: 1, node: 'Activate contract' });
		await pause(6000);
		await caption(page, '5/6 · Callback "completed": the trigger routes it to its own output and the workflow marks order 1001 paid');
		await openExecution(page, 'exampleFullFlow', { count: 2, index: 0, node: 'Mark Order Paid' });
		await pause(3000);
		await page.locator('[data-test-id="canvas-node"][data-node-name="Mark Order Paid"]').dblclick();
		await page.locator('[data-test-id="output-panel"]').waitFor();
		await pause(6000);
		await page.keyboard.press('Escape');

		// 6. The action node as an AI agent's tool.
		await openWorkflow(page, AI_WORKFLOW_ID, 4);
		await caption(page, '6/6 · Inbank Smart Rent as a tool of n8n’s AI Agent. No model account: the model is a local stand-in that asks for one tool call');
		await pause(4500);
		await page.locator('[data-test-id="execute-workflow-button"]').click();
		await page.waitForFunction(
			(agent) => document.querySelector('[data-test-id="canvas-node-status-error"]') || document.querySelector(`[data-test-id="canvas-node"][data-node-name="${agent}"] [data-test-id="canvas-node-status-success"]`),
			AI_NODES.agent,
			{ timeout: 120_000 },
		);
		if (await page.locator('[data-test-id="canvas-node-status-error"]').count()) throw new Error('the AI agent workflow failed');
		const toolResult = model.requests.flatMap((request) => request.messages ?? []).find((message) => message.role === 'tool');
		if (!String(toolResult?.content ?? '').includes('modelId')) throw new Error(`the agent sent the model no tool result with a modelId: ${JSON.stringify(toolResult)?.slice(0, 300)}`);
		await caption(page, `6/6 · The agent called Inbank Smart Rent → Get asset conditions for EAN ${EAN} (the sandbox answered) and replied with the result`);
		await pause(3000);
		await page.locator(`[data-test-id="canvas-node"][data-node-name="${AI_NODES.tool}"]`).dblclick();
		await page.locator('[data-test-id="output-panel"]').getByText('modelId').first().waitFor();
		await pause(5000);
		await page.keyboard.press('Escape');
		await page.locator(`[data-test-id="canvas-node"][data-node-name="${AI_NODES.agent}"]`).dblclick();
		await page.locator('[data-test-id="output-panel"]').getByText('Inbank Smart Rent applies').first().waitFor();
		await pause(5000);
		await page.keyboard.press('Escape');

		const stored = (await flow.control('GET', '/sessions')).find((s) => s.uuid === session.uuid);
		const callbacks = (await flow.control('GET', '/callbacks')).filter((c) => c.sessionUuid === session.uuid).map((c) => c.sessionStatus);
		await caption(page, `Done: session ${stored.status}, callbacks ${callbacks.join(' → ')}; order ${ORDER_ID} paid. n8n 2.41.1 · n8n-nodes-inbank · Inbank sandbox`);
		await pause(4000);

		const recorded = await recording.stop();
		say(`encoding ${recorded.frames.length} frames   (${seconds()})`);
		const duration = await encode(recorded, frameDir, OUT);
		const size = statSync(OUT).size;
		say(`${relative(REPO, OUT)}: ${duration.toFixed(1)} s, ${(size / 1024 / 1024).toFixed(1)} MB, ${recorded.frames.length} frames   (${seconds()})`);
		if (!(duration > 30 && duration <= MAX_SECONDS)) throw new Error(`the take is ${duration.toFixed(1)} s: n8n asks for at most ${MAX_SECONDS} s`);
	} catch (error) {
		// The page at the moment of the failure, for whoever looks into it.
		if (failedPage && !failedPage.isClosed()) {
			const file = join(mkdtempSync(join(tmpdir(), 'inbank-video-failed-')), 'page.png');
			if (await failedPage.screenshot({ path: file }).then(() => true, () => false)) error.message += `; the page at that moment: ${file}`;
		}
		throw error;
	} finally {
		await stopAll();
	}
}
let failedPage;

main().catch((error) => {
	console.error(`[video] failed: ${error.message}`);
	process.exitCode = 1;
});
