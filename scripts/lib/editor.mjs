// n8n's editor in Debian's Chromium, driven by playwright-core: the steps `npm run screenshots` and
// `npm run video` share (the browser, the owner's sign-in, opening a workflow).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { chromium } from 'playwright-core';

import { REPO } from '../../test/e2e/lib/n8n.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox', // runs as root in CI and here
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-default-apps',
	'--disable-extensions',
	'--hide-scrollbars',
	'--font-render-hinting=none',
];

/** Debian's Chromium (scripts/ensure-browser.sh) unless CHROMIUM_PATH names another browser. */
export async function ensureChromium() {
	if (CHROMIUM === '/usr/bin/chromium')
		await promisify(execFile)('bash', [join(REPO, 'scripts/ensure-browser.sh')]);
	if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM} (CHROMIUM_PATH)`);
}

export function launchChromium() {
	return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Signs in on n8n's sign-in page as `owner` and waits for the home page. First-run dialogs (what's new,
 * surveys) open over it once it has loaded; the environment of test/e2e/lib/n8n.mjs turns them off, and
 * any that still shows is closed.
 */
export async function signIn(page, owner) {
	await page.goto('/signin');
	await page.locator('[data-test-id="emailOrLdapLoginId"] input').fill(owner.email);
	await page.locator('[data-test-id="password"] input').fill(owner.password);
	await page.locator('[data-test-id="form-submit-button"]').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
	await page.locator('[data-test-id="project-home-menu-item"]').waitFor();
	for (const close of await page.locator('.el-overlay .el-dialog__headerbtn').all()) {
		if (await close.isVisible()) await close.click();
	}
}

/** Opens a workflow in the editor and waits until its `nodes` nodes are drawn. */
export async function openWorkflow(page, id, nodes) {
	await page.goto(`/workflow/${id}`);
	await page.waitForFunction(
		(n) => document.querySelectorAll('[data-test-id="canvas-node"]').length === n,
		nodes,
	);
}
