'use strict';
// Starts the Inbank sandbox (sandbox/cli.mjs) as a child process on a free port, for jest suites
// (which cannot load the sandbox's ES modules in-process). Resolves with its URL and a stop().
const { spawn } = require('node:child_process');
const { join } = require('node:path');

async function startSandboxProcess(args = []) {
	const child = spawn(process.execPath, [join(__dirname, '..', '..', 'sandbox', 'cli.mjs'), '--port', '0', '--quiet', ...args], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	const url = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${output}`)), 15000);
		child.stdout.on('data', (chunk) => {
			output += chunk;
			const match = output.match(/listening on (http:\/\/\S+)/);
			if (match) {
				clearTimeout(timer);
				resolve(match[1]);
			}
		});
		child.stderr.on('data', (chunk) => (output += chunk));
		child.once('exit', (code) => reject(new Error(`sandbox exited (${code}): ${output}`)));
	});
	return {
		url,
		async control(method, path, body) {
			const res = await fetch(`${url}/__sandbox${path}`, {
				method,
				headers: { 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const text = await res.text();
			return text ? JSON.parse(text) : undefined;
		},
		stop() {
			return new Promise((resolve) => {
				if (child.exitCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			});
		},
	};
}

module.exports = { startSandboxProcess };
