// `DEMO_KEEP_RUNNING=1 npm run demo` as a merchant uses it: the demo prints how to get into the n8n and
// the sandbox it leaves running, that login and that credential work, and Ctrl+C (as a terminal sends
// it, to npm and the demo together) or SIGTERM stops n8n and the sandbox and removes n8n's folder.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';

import { REPO } from './lib/n8n.mjs';

const LABELS = {
	n8nUrl: /^ {2}n8n URL +(http:\/\/\S+)$/m,
	login: /^ {2}n8n login +(\S+@\S+) \/ (\S+)$/m,
	folder: /^ {2}n8n folder +(\/\S+)$/m,
	sandboxUrl: /^ {2}sandbox URL +(http:\/\/\S+)$/m,
	credential: /^ {2}sandbox credential +.*Shop UUID ([0-9a-f-]{36}), API key (\S+), Base URL (http:\/\/\S+)$/m,
};

/** Starts the demo in its own process group (as a terminal runs a command); collects what it prints. */
function startDemo(command, args) {
	const child = spawn(command, args, {
		cwd: REPO,
		env: { ...process.env, DEMO_KEEP_RUNNING: '1' },
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
	return { child, exited, output: () => output };
}

/** Waits until the demo has printed every labelled line, or fails with what it printed. */
async function waitForAccess(demo, timeoutMs = 480_000) {
	const deadline = Date.now() + timeoutMs;
	let ended = false;
	void demo.exited.then(() => (ended = true));
	for (;;) {
		const text = demo.output();
		const found = Object.fromEntries(Object.entries(LABELS).map(([key, re]) => [key, text.match(re)]));
		if (Object.values(found).every(Boolean)) return found;
		// The demo says it keeps running once it has printed everything it prints.
		const done = /Still running \(DEMO_KEEP_RUNNING=1\)/.test(text) && (await new Promise((r) => setTimeout(r, 2_000, true)));
		if (done || ended || Date.now() > deadline) assert.fail(`the demo did not print its access lines; it printed:\n${text.slice(-4000)}`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

/** Every process below `rootPid`, and every process in their process groups (n8n runs in its own). */
function processTree(rootPid) {
	const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,pgid='], { encoding: 'utf8' })
		.trim()
		.split('\n')
		.map((line) => line.trim().split(/\s+/).map(Number));
	const pids = new Set([rootPid]);
	for (let grew = true; grew; ) {
		grew = false;
		for (const [pid, ppid] of rows) if (pids.has(ppid) && !pids.has(pid)) pids.add(pid), (grew = true);
	}
	const groups = new Set(rows.filter(([pid]) => pids.has(pid)).map(([, , pgid]) => pgid));
	for (const [pid, , pgid] of rows) if (groups.has(pgid)) pids.add(pid);
	return { pids, groups };
}

function alive(tree) {
	const rows = execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' }).trim().split('\n');
	return rows
		.map((line) => line.trim().split(/\s+/))
		.filter(([pid, pgid, stat]) => !stat.startsWith('Z') && (tree.pids.has(Number(pid)) || tree.groups.has(Number(pgid))))
		.map((fields) => fields.join(' '));
}

async function refused(url) {
	try {
		const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
		await res.arrayBuffer();
		return `answered HTTP ${res.status}`;
	} catch (error) {
		return error.cause?.code ?? error.message;
	}
}

/** What the printed lines promise: the login opens n8n with the examples, the credential works at the sandbox. */
async function checkAccess(found, output) {
	const n8nUrl = found.n8nUrl[1];
	const [, email, password] = found.login;
	const login = await fetch(`${n8nUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': 'inbank-e2e-demo' },
		body: JSON.stringify({ emailOrLdapLoginId: email, password }),
	});
	const me = await login.json();
	assert.equal(login.status, 200, JSON.stringify(me));
	assert.equal(me.data.email, email);
	const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
	const workflows = await fetch(`${n8nUrl}/rest/workflows`, { headers: { cookie, 'browser-id': 'inbank-e2e-demo' } }).then((r) => r.json());
	assert.deepEqual(workflows.data.map((w) => w.id).sort(), ['exampleCheckout', 'exampleFullFlow']);
	const wrong = await fetch(`${n8nUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': 'inbank-e2e-demo' },
		body: JSON.stringify({ emailOrLdapLoginId: email, password: `${password}x` }),
	});
	assert.equal(wrong.status, 401);

	const [, shopUuid, apiKey, baseUrl] = found.credential;
	assert.equal(baseUrl, found.sandboxUrl[1]);
	const session = output.match(/POS session (\S+): pending/)?.[1];
	assert.ok(session, 'the demo printed its POS session');
	const res = await fetch(`${baseUrl}/partner/v3/shops/${shopUuid}/pos-sessions/${session}`, { headers: { authorization: `Bearer ${apiKey}` } });
	assert.equal(res.status, 200);
	assert.equal((await res.json()).status, 'completed');

	assert.ok(existsSync(join(found.folder[1], '.n8n')), 'n8n runs from the printed folder');
}

async function assertAllGone(demo, tree, found, signal) {
	const exit = await Promise.race([demo.exited, new Promise((r) => setTimeout(() => r('still running'), 60_000))]);
	// Ended by the signal: a Node process exits with 128 + its number, npm re-raises it as a shell does.
	const code = 128 + { SIGINT: 2, SIGTERM: 15 }[signal];
	assert.ok(exit.signal === signal || exit.code === code, `exit ${JSON.stringify(exit)}; the demo printed:\n${demo.output().slice(-3000)}`);
	// n8n's SIGTERM handling ends its task runners too; allow the last of them a moment.
	for (let i = 0; i < 20 && alive(tree).length > 0; i++) await new Promise((r) => setTimeout(r, 250));
	assert.deepEqual(alive(tree), [], 'a process the demo started is still running');
	assert.equal(existsSync(found.folder[1]), false, `n8n's folder ${found.folder[1]} was left behind`);
	const tarball = demo.output().match(/package: (\S+\.tgz)/)?.[1];
	assert.ok(tarball);
	assert.equal(existsSync(dirname(tarball)), false, 'the packed package was left behind');
	assert.match(await refused(found.n8nUrl[1]), /ECONNREFUSED/);
	assert.match(await refused(found.sandboxUrl[1]), /ECONNREFUSED/);
	assert.match(demo.output(), /Stopping n8n and the sandbox…\nStopped; removed /);
	assert.doesNotMatch(demo.output(), /Demo failed/);
}

describe('DEMO_KEEP_RUNNING=1 npm run demo', { timeout: 1_200_000 }, () => {
	it('prints a working n8n login and sandbox credential; Ctrl+C stops everything and removes n8n’s folder', async () => {
		const demo = startDemo('npm', ['run', '--silent', 'demo']);
		let tree;
		try {
			const found = await waitForAccess(demo);
			await checkAccess(found, demo.output());
			tree = processTree(demo.child.pid);
			assert.ok(tree.groups.size >= 2, 'n8n runs in a process group of its own');
			// Ctrl+C in a terminal: SIGINT to the whole foreground group (npm forwards it to the demo again).
			process.kill(-demo.child.pid, 'SIGINT');
			await assertAllGone(demo, tree, found, 'SIGINT');
		} finally {
			killLeftovers(demo, tree);
		}
	});

	it('SIGTERM to the demo does the same', async () => {
		const demo = startDemo(process.execPath, [join(REPO, 'scripts/demo.mjs')]);
		let tree;
		try {
			const found = await waitForAccess(demo);
			tree = processTree(demo.child.pid);
			demo.child.kill('SIGTERM');
			await assertAllGone(demo, tree, found, 'SIGTERM');
			assert.equal((await demo.exited).code, 143, 'the demo exits with 128 + 15');
		} finally {
			killLeftovers(demo, tree);
		}
	});
});

/** After a failed assertion: nothing of the demo may outlive the test. */
function killLeftovers(demo, tree) {
	const running = demo.child.exitCode === null && demo.child.signalCode === null;
	const groups = new Set([...(tree?.groups ?? []), ...(running ? processTree(demo.child.pid).groups : [])]);
	for (const group of groups) {
		try {
			process.kill(-group, 'SIGKILL');
		} catch {
			// gone
		}
	}
}
