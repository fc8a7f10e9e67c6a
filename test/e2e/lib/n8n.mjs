// A real n8n for end-to-end tests and the demo: Node 24 + n8n from the npm registry (cached by
// scripts/ensure-n8n.sh), this package packed and installed as a community package, credentials and
// workflows imported through n8n's own CLI, workflows executed with `n8n execute` or served by `n8n start`.
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const { PACKAGE_NAME } = createRequire(import.meta.url)('../../support/fixtures.js');

const log = (...args) => {
	if (process.env.E2E_QUIET !== '1') console.error('[e2e]', ...args);
};

/** The n8n line under test: 2.41.1 by default; E2E_N8N_VERSION=1.123.81 runs the same suites on n8n 1.x. */
export const N8N_VERSION = process.env.E2E_N8N_VERSION || '2.41.1';
const N8N_MAJOR = Number(N8N_VERSION.split('.')[0]);

/**
 * Node 24 + n8n, installed once into the cache and checked on every call (scripts/ensure-n8n.sh).
 * Its progress lines go to this process's stderr: a first run downloads for minutes.
 */
export async function ensureRuntime({ version = N8N_VERSION } = {}) {
	const stdout = await new Promise((resolveRun, reject) => {
		const child = spawn('bash', [join(REPO, 'scripts/ensure-n8n.sh')], {
			env: { ...process.env, N8N_VERSION: version },
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let out = '';
		child.stdout.on('data', (chunk) => (out += chunk));
		child.once('error', reject);
		child.once('exit', (code) => (code === 0 ? resolveRun(out) : reject(new Error(`scripts/ensure-n8n.sh failed (exit ${code}); its messages are above`))));
	});
	const dir = stdout.trim().split('\n').pop();
	const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
	const nodeBin = join(dir, 'node_modules', `node-linux-${arch}`, 'bin', 'node');
	const n8nBin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	if (!existsSync(nodeBin) || !existsSync(n8nBin)) throw new Error(`n8n runtime incomplete in ${dir}`);
	return { dir, nodeBin, n8nBin };
}

let packed;
/** Builds and packs this package once per process; returns the tarball path. */
export async function packPackage() {
	if (packed) return packed;
	const out = mkdtempSync(join(tmpdir(), 'inbank-pack-'));
	if (process.env.E2E_SKIP_BUILD !== '1') {
		log('building the package');
		await run('npm', ['run', 'build'], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 });
	}
	const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', out, '--json'], {
		cwd: REPO,
		maxBuffer: 64 * 1024 * 1024,
	});
	packed = join(out, JSON.parse(stdout)[0].filename);
	return packed;
}

/** A free loopback port that is not `port` (n8n needs two: its own and its task broker's). */
export async function freePortOtherThan(port) {
	for (;;) {
		const other = await freePort();
		if (other !== port) return other;
	}
}

export async function freePort() {
	return await new Promise((resolvePort, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolvePort(port));
		});
	});
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a truthy value (returned), or fails naming `what` after `timeoutMs`. */
export async function waitFor(what, probe, timeoutMs = 120_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(300);
	}
}

/** The owner account the suites set up, to sign in to the editor's REST API. */
export const OWNER = { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Passw0rd-e2e-Inbank' };

const instances = new Set();
const signalStops = new Set();

/**
 * Runs `stop` (before the n8n instances are stopped) when this process gets SIGINT or SIGTERM, e.g. to
 * close a sandbox. Returns a function that unregisters it.
 */
export function onStopSignal(stop) {
	signalStops.add(stop);
	return () => signalStops.delete(stop);
}

let stoppingOnSignal = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		// One stop for all: Ctrl+C under `npm run` arrives twice (from the terminal, and forwarded by npm).
		if (stoppingOnSignal) return;
		stoppingOnSignal = true;
		(async () => {
			for (const stop of signalStops) await Promise.resolve().then(stop).catch(() => {});
			// n8n gets SIGTERM and its folder is removed (stop()); SIGKILL only if that fails.
			for (const instance of [...instances]) await instance.stop().catch(() => instance.killNow());
		})().finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : 15)));
	});
}
process.once('exit', () => {
	for (const instance of instances) instance.killNow();
	if (packed && process.env.E2E_KEEP !== '1') rmSync(dirname(packed), { recursive: true, force: true });
});

/** What every n8n process in these harnesses gets beside its own folder, ports and database. */
export const QUIET_ENV = {
	N8N_LISTEN_ADDRESS: '127.0.0.1',
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_SECURE_COOKIE: 'false',
	NODE_ENV: 'production',
};

/** Installs the packed package into `home`/.n8n/nodes, where n8n loads community packages from. */
export async function installPackage(home, tarball) {
	const nodesDir = join(home, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
	// --legacy-peer-deps: n8n provides n8n-workflow; a second copy must not be installed beside it.
	await run('npm', ['install', '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
		cwd: nodesDir,
	});
}

/** A log file's text ('' before anything was written). */
export function readLog(file) {
	return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/**
 * Polls `${baseUrl}/healthz/readiness` (and `extraPath` after it, when given) until both answer 2xx;
 * throws when `running()` turns false or after `timeoutMs`. `what` and `logTail()` name the failure.
 */
export async function waitUntilReady(baseUrl, { running, timeoutMs, what, logTail, extraPath }) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (!(await running())) throw new Error(`${what} exited during start; log:\n${logTail()}`);
		try {
			const res = await fetch(`${baseUrl}/healthz/readiness`);
			await res.arrayBuffer();
			const extra = res.ok && extraPath ? await fetch(`${baseUrl}${extraPath}`) : res;
			if (extra !== res) await extra.arrayBuffer();
			if (extra.ok) return;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) throw new Error(`${what} was not ready within ${timeoutMs} ms; log:\n${logTail()}`);
		await new Promise((r) => setTimeout(r, 500));
	}
}

/**
 * n8n's CLI against one installation (user folder or shared database): import, publish, execute.
 * A subclass says where: cliEnv() (the process environment), cliLogFile (where each command's output is
 * appended), cliWorkDir (where import files lie for the moment of the import), cliTimeoutMs.
 */
export class N8nCli {
	cliTimeoutMs = 120_000;

	/** Runs an n8n CLI command; resolves with stdout + stderr, rejects on a non-zero exit. */
	async cli(args, { timeoutMs = this.cliTimeoutMs } = {}) {
		const { stdout, stderr } = await run(this.runtime.nodeBin, [this.runtime.n8nBin, ...args], {
			env: this.cliEnv(),
			maxBuffer: 256 * 1024 * 1024,
			timeout: timeoutMs,
		}).catch((error) => {
			error.message = `n8n ${args[0]} failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`;
			throw error;
		});
		writeFileSync(this.cliLogFile, `$ n8n ${args.join(' ')}\n${stdout}\n${stderr}\n`, { flag: 'a' });
		return { stdout, stderr, output: `${stdout}\n${stderr}` };
	}

	async importCredentials(credentials) {
		await this.importFile('import:credentials', credentials);
	}

	async importWorkflows(workflows) {
		await this.importFile('import:workflow', workflows);
	}

	async importFile(command, items) {
		const file = join(this.cliWorkDir, `import-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
		writeFileSync(file, JSON.stringify(items));
		try {
			await this.cli([command, `--input=${file}`]);
		} finally {
			rmSync(file, { force: true });
		}
	}

	/** Makes a workflow's triggers live at the next start (n8n 1.x calls it activating). */
	async publish(workflowId) {
		if (N8N_MAJOR < 2) await this.cli(['update:workflow', `--id=${workflowId}`, '--active=true']);
		else await this.cli(['publish:workflow', `--id=${workflowId}`]);
	}
}

/**
 * One n8n user folder with this package installed. Everything it starts is stopped by stop(), and
 * on process exit.
 */
export class N8n extends N8nCli {
	static async create({ runtime, tarball, keepHome = false, env = {} } = {}) {
		runtime ??= await ensureRuntime();
		tarball ??= await packPackage();
		const home = mkdtempSync(join(tmpdir(), 'inbank-n8n-'));
		await installPackage(home, tarball);
		const port = await freePort();
		const instance = new N8n(runtime, home, port, keepHome, env);
		instance.brokerPort = await freePortOtherThan(port);
		instances.add(instance);
		return instance;
	}

	constructor(runtime, home, port, keepHome, extraEnv = {}) {
		super();
		this.extraEnv = extraEnv;
		this.runtime = runtime;
		this.home = home;
		this.port = port;
		this.keepHome = keepHome;
		this.baseUrl = `http://127.0.0.1:${port}`;
		this.logFile = join(home, 'n8n.log');
		this.cliLogFile = this.logFile;
		this.cliWorkDir = home;
		this.server = undefined;
	}

	cliEnv() {
		return this.env;
	}

	get env() {
		return {
			...process.env,
			N8N_USER_FOLDER: this.home,
			...QUIET_ENV,
			N8N_ENCRYPTION_KEY: 'inbank-e2e-encryption-key-000000',
			N8N_PORT: String(this.port),
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
			WEBHOOK_URL: `${this.baseUrl}/`,
			N8N_LOG_LEVEL: process.env.E2E_N8N_LOG_LEVEL ?? 'info',
			DB_SQLITE_POOL_SIZE: '1',
			...this.extraEnv,
		};
	}

	/**
	 * Creates the owner account with n8n's owner setup (what the editor's first screen does), so that
	 * the editor can be signed in to; returns the session cookie.
	 */
	async setupOwner(owner = OWNER) {
		const res = await fetch(`${this.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': 'inbank-e2e' },
			body: JSON.stringify(owner),
		});
		if (res.status !== 200) throw new Error(`n8n's owner setup answered HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
		await res.arrayBuffer();
		return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
	}

	/**
	 * `n8n execute --id`: returns { ok, execution, output } where execution is the run n8n printed
	 * (resultData.runData per node) and output the CLI's whole text, for secret checks.
	 */
	async execute(workflowId) {
		let result;
		try {
			result = await this.cli(['execute', `--id=${workflowId}`], { timeoutMs: 180_000 });
		} catch (error) {
			const output = `${error.stdout ?? ''}\n${error.stderr ?? ''}`;
			return { ok: false, execution: parseExecution(output), output };
		}
		return { ok: true, execution: parseExecution(result.output), output: result.output };
	}

	/**
	 * Starts `n8n start` and waits for readiness. The task broker's port is n8n's own business: when
	 * another process took it between choosing and starting (seen in CI), n8n exits and we start it
	 * again on another one. The main port stays: workflows and credentials may already name it.
	 */
	async start({ readyTimeoutMs = 120_000 } = {}) {
		for (let attempt = 1; ; attempt++) {
			const logStart = this.log().length;
			try {
				return await this.startOnce({ readyTimeoutMs });
			} catch (error) {
				const taken = /Task Broker's port \d+ is already in use/.test(`${error.message}\n${this.log().slice(logStart)}`);
				if (!taken || attempt >= 3) throw error;
				this.brokerPort = await freePortOtherThan(this.port);
				log(`n8n's task broker port was taken; starting again with broker port ${this.brokerPort}`);
			}
		}
	}

	async startOnce({ readyTimeoutMs }) {
		const logStream = createWriteStream(this.logFile, { flags: 'a' });
		this.server = spawn(this.runtime.nodeBin, [this.runtime.n8nBin, 'start'], {
			env: this.env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		this.server.stdout.pipe(logStream);
		this.server.stderr.pipe(logStream);
		const server = this.server;
		await waitUntilReady(this.baseUrl, {
			running: () => server.exitCode === null && server.signalCode === null,
			timeoutMs: readyTimeoutMs,
			what: 'n8n',
			logTail: () => this.logTail(),
			// n8n 1.x answers readiness a few seconds before its REST routes exist: wait for both.
			extraPath: '/rest/settings',
		});
		log(`n8n ready on ${this.baseUrl}`);
	}

	/** Calls a production webhook, retrying 404 briefly: n8n registers webhooks just after readiness. */
	async webhook(path, init = {}, { retryMs = 20_000 } = {}) {
		const deadline = Date.now() + retryMs;
		for (;;) {
			const res = await fetch(`${this.baseUrl}/webhook/${path}`, init);
			if (res.status !== 404 || Date.now() > deadline) return res;
			await res.arrayBuffer();
			await new Promise((r) => setTimeout(r, 300));
		}
	}

	/** Everything n8n and its CLI printed for this instance. */
	log() {
		return readLog(this.logFile);
	}

	logTail(lines = 60) {
		return this.log().split('\n').slice(-lines).join('\n');
	}

	async stopServer() {
		if (!this.server || this.server.exitCode !== null) return;
		const server = this.server;
		const exited = new Promise((r) => server.once('exit', r));
		try {
			process.kill(-server.pid, 'SIGTERM');
		} catch {
			// already gone
		}
		const timer = setTimeout(() => {
			try {
				process.kill(-server.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}, 15_000);
		await exited;
		clearTimeout(timer);
	}

	killNow() {
		if (this.server && this.server.exitCode === null) {
			try {
				process.kill(-this.server.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
	}

	async stop() {
		await this.stopServer();
		instances.delete(this);
		if (!this.keepHome && process.env.E2E_KEEP !== '1') rmSync(this.home, { recursive: true, force: true });
	}
}

/** The JSON object n8n execute prints after "Execution was successful:" (or an error run). */
export function parseExecution(text) {
	const marker = text.search(/={10,}/);
	const start = text.indexOf('{', marker === -1 ? 0 : marker);
	if (start === -1) return undefined;
	let depth = 0;
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const ch = text[i];
		if (inString) {
			if (ch === '\\') i++;
			else if (ch === '"') inString = false;
		} else if (ch === '"') inString = true;
		else if (ch === '{') depth++;
		else if (ch === '}' && --depth === 0) {
			try {
				return JSON.parse(text.slice(start, i + 1));
			} catch {
				return undefined;
			}
		}
	}
	return undefined;
}

/** The items a node output in an execution printed by `n8n execute`. */
export function nodeOutput(execution, nodeName, output = 0) {
	const runs = execution?.data?.resultData?.runData?.[nodeName];
	return runs?.[0]?.data?.main?.[output] ?? undefined;
}

export function nodeError(execution, nodeName) {
	return execution?.data?.resultData?.runData?.[nodeName]?.[0]?.error ?? execution?.data?.resultData?.error;
}

/**
 * A workflow a test runs with `n8n execute`: Manual Trigger → Inbank Smart Rent nodes in a row.
 * steps: [name, parameters] pairs; each node uses `credential`.
 */
export function chainWorkflow(id, steps, credential) {
	const nodes = [{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }];
	const connections = {};
	let previous = 'Start';
	steps.forEach(([name, parameters], index) => {
		nodes.push({
			id: `step${index}`,
			name,
			type: `${PACKAGE_NAME}.inbankSmartRent`,
			typeVersion: 1,
			position: [220 * (index + 1), 0],
			parameters,
			credentials: { inbankApi: credential },
		});
		connections[previous] = { main: [[{ node: name, type: 'main', index: 0 }]] };
		previous = name;
	});
	return { id, name: id, active: false, settings: {}, nodes, connections };
}

/**
 * The start of an order as chainWorkflow steps: Get asset conditions (an iPhone's EAN) → Calculate rent (the
 * model's second period) → Create POS session for that model; `create`: further Create parameters.
 */
export function orderStartSteps(productCode, { netPrice, modelName, create = {} }) {
	return [
		['Get asset conditions', { resource: 'rentalProduct', operation: 'getAssetConditions', productCode, identifierType: 'EAN', identifier: '0195949036965' }],
		[
			'Calculate rent',
			{
				resource: 'rentalProduct',
				operation: 'calculateRent',
				productCode,
				period: '={{ $json.periods[1] }}',
				assets: { asset: [{ type: 'MODEL_BASED', modelId: '={{ $json.modelId }}', modelName: '={{ $json.name }}', netPrice }] },
			},
		],
		[
			'Create POS session',
			{
				resource: 'posSession',
				operation: 'create',
				productCode,
				locale: 'et-EE',
				period: 24,
				assets: { asset: [{ type: 'MODEL_BASED', modelId: "={{ $('Get asset conditions').item.json.modelId }}", modelName, netPrice }] },
				...create,
			},
		],
	];
}

/**
 * A published workflow for trigger tests: Inbank Smart Rent Trigger → HTTP Request that posts the
 * item to `${recorderUrl}/executions/${id}`, so that the recorder's requests are the executions.
 */
export function triggerWorkflow(id, webhookId, parameters, recorderUrl, credential) {
	return {
		id,
		name: id,
		active: false,
		settings: {},
		nodes: [
			{
				id: 't1',
				name: 'Inbank Smart Rent Trigger',
				type: `${PACKAGE_NAME}.inbankSmartRentTrigger`,
				typeVersion: 2,
				position: [0, 0],
				webhookId,
				parameters: { fetchSession: false, ...parameters },
				credentials: { inbankApi: credential },
			},
			{
				id: 't2',
				name: 'Record',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [240, 0],
				parameters: {
					method: 'POST',
					url: `${recorderUrl}/executions/${id}`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify($json) }}',
				},
			},
		],
		connections: { 'Inbank Smart Rent Trigger': { main: [[{ node: 'Record', type: 'main', index: 0 }]] } },
	};
}
