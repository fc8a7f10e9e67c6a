// n8n in queue mode, as an agency runs it: one main process (editor, API, no production webhooks),
// workers (`n8n worker`) taking executions from Redis, webhook processes (`n8n webhook`) answering
// production webhooks, one PostgreSQL. Each process has its own user folder with this package
// installed (as each container image would), its own ports, and the same N8N_ENCRYPTION_KEY.
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { freePort, installPackage, N8nCli, QUIET_ENV, readLog, waitUntilReady } from '../../e2e/lib/n8n.mjs';
import { removeTempDir, spawnService, tempDir } from './services.mjs';

export const ENCRYPTION_KEY = 'inbank-queue-encryption-key-0001';

/** Sum of VmRSS (kB) over every process in a process group (n8n and the task runners it starts). */
export function groupRssKb(pgid) {
	let total = 0;
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			// Field 5 (pgrp) follows the ")" that closes the command name.
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[2]) !== pgid) continue;
			const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
			if (rss) total += Number(rss[1]);
		} catch {
			// the process ended while we read
		}
	}
	return total;
}

/** The CLI (import, publish) runs against the shared database as the main process would. */
export class QueueCluster extends N8nCli {
	/**
	 * runtime: ensureRuntime(); tarball: packPackage(); pg, redis: from services.mjs.
	 * workers, webhooks: how many of each (2, 2).
	 */
	static async create({ runtime, tarball, pg, redis, workers = 2, webhooks = 2, log = () => {} }) {
		const root = tempDir('inbank-queue-n8n-');
		// The package installed once, then copied into each process's user folder.
		await installPackage(join(root, 'package'), tarball);
		const roles = [{ name: 'main', kind: 'main' }];
		for (let i = 1; i <= workers; i++) roles.push({ name: `worker${i}`, kind: 'worker' });
		for (let i = 1; i <= webhooks; i++) roles.push({ name: `webhook${i}`, kind: 'webhook' });
		const processes = {};
		for (const role of roles) {
			const home = join(root, role.name);
			cpSync(join(root, 'package'), home, { recursive: true, verbatimSymlinks: true });
			processes[role.name] = {
				...role,
				home,
				logFile: join(home, 'n8n.log'),
				port: await freePort(), // N8N_PORT (main, webhook) or QUEUE_HEALTH_CHECK_PORT (worker)
				brokerPort: await freePort(), // N8N_RUNNERS_BROKER_PORT
				sparePort: await freePort(), // a worker's N8N_PORT: unused by it, but never the default 5678
				service: undefined,
			};
		}
		return new QueueCluster({ runtime, pg, redis, root, processes, log });
	}

	constructor({ runtime, pg, redis, root, processes, log }) {
		super();
		Object.assign(this, { runtime, pg, redis, root, processes, log });
		this.startTimes = {};
		this.cliTimeoutMs = 300_000;
		this.cliWorkDir = root;
		this.cliLogFile = processes.main.logFile;
	}

	cliEnv() {
		return this.env('main');
	}

	get main() {
		return this.processes.main;
	}
	get workers() {
		return Object.values(this.processes).filter((p) => p.kind === 'worker');
	}
	get webhookProcesses() {
		return Object.values(this.processes).filter((p) => p.kind === 'webhook');
	}
	/** Base URL of a process that serves HTTP (main, webhook); the worker's health server otherwise. */
	url(name) {
		return `http://127.0.0.1:${this.processes[name].port}`;
	}

	env(name) {
		const p = this.processes[name];
		const firstWebhook = this.webhookProcesses[0];
		return {
			...process.env,
			...QUIET_ENV,
			N8N_USER_FOLDER: p.home,
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			EXECUTIONS_MODE: 'queue',
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: this.pg.host,
			DB_POSTGRESDB_PORT: String(this.pg.port),
			DB_POSTGRESDB_DATABASE: this.pg.database,
			DB_POSTGRESDB_USER: this.pg.user,
			DB_POSTGRESDB_PASSWORD: '',
			QUEUE_BULL_REDIS_HOST: this.redis.host,
			QUEUE_BULL_REDIS_PORT: String(this.redis.port),
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			// A worker's health server listens on QUEUE_HEALTH_CHECK_PORT; main and webhook processes on N8N_PORT.
			N8N_PORT: String(p.kind === 'worker' ? p.sparePort : p.port),
			QUEUE_HEALTH_CHECK_PORT: String(p.port),
			N8N_RUNNERS_BROKER_PORT: String(p.brokerPort),
			// What the editor shows as production URLs: the first webhook process (a load balancer in production).
			WEBHOOK_URL: `${this.url(firstWebhook?.name ?? 'main')}/`,
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: p.kind === 'main' ? 'true' : 'false',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			N8N_LOG_LEVEL: process.env.QUEUE_N8N_LOG_LEVEL ?? 'info',
		};
	}

	/**
	 * Starts one process and waits for its readiness endpoint; resolves with the milliseconds it took.
	 * A port taken between choosing it and n8n binding it (other jobs share this machine) means new
	 * ports and another try.
	 */
	async start(name, { readyTimeoutMs = 240_000, attempts = 3 } = {}) {
		for (let attempt = 1; ; attempt++) {
			const logStart = this.log_(name).length;
			try {
				return await this.startOnce(name, { readyTimeoutMs });
			} catch (error) {
				await new Promise((r) => setTimeout(r, 500)); // the log stream's last lines
				const portTaken = /already in use|EADDRINUSE/.test(this.log_(name).slice(logStart));
				if (!portTaken || attempt >= attempts) throw error;
				const p = this.processes[name];
				await p.service?.stop({ graceMs: 5000 });
				Object.assign(p, { port: await freePort(), brokerPort: await freePort(), sparePort: await freePort() });
				this.log(`${name}: a port was taken, retrying on new ports`);
			}
		}
	}

	async startOnce(name, { readyTimeoutMs }) {
		const p = this.processes[name];
		const command = p.kind === 'main' ? ['start'] : p.kind === 'worker' ? ['worker', '--concurrency=5'] : ['webhook'];
		const started = Date.now();
		writeFileSync(p.logFile, `\n===== ${new Date().toISOString()} n8n ${command.join(' ')}\n`, { flag: 'a' });
		p.service = spawnService(this.runtime.nodeBin, [this.runtime.n8nBin, ...command], { env: this.env(name), logFile: p.logFile });
		await waitUntilReady(this.url(name), {
			running: () => p.service.running,
			timeoutMs: readyTimeoutMs,
			what: name,
			logTail: () => this.logTail(name),
		});
		const ms = Date.now() - started;
		this.startTimes[name] = ms;
		this.log(`${name} ready (pid ${p.service.pid}) in ${ms} ms`);
		return ms;
	}

	async stop(name) {
		const p = this.processes[name];
		await p.service?.stop({ graceMs: 20_000 });
	}

	/** Stops every process this cluster started (by process group id), main last. */
	async stopAll() {
		const names = Object.keys(this.processes).filter((n) => n !== 'main');
		await Promise.all(names.map((n) => this.stop(n).catch(() => {})));
		await this.stop('main').catch(() => {});
	}

	/** RSS (MB) per running process, task runners included. */
	memoryMb() {
		const out = {};
		for (const [name, p] of Object.entries(this.processes)) if (p.service?.running) out[name] = Math.round(groupRssKb(p.service.pid) / 1024);
		return out;
	}

	log_(name) {
		return readLog(this.processes[name].logFile);
	}

	logTail(name, lines = 40) {
		return this.log_(name).split('\n').slice(-lines).join('\n');
	}

	/** Every process's whole log, for secret checks and failure reports. */
	allLogs() {
		return Object.keys(this.processes)
			.map((name) => this.log_(name))
			.join('\n');
	}

	/** executionId → the worker whose log says it finished it ("Worker finished execution <id>"). */
	finishedBy() {
		const map = new Map();
		for (const w of this.workers) {
			for (const match of this.log_(w.name).matchAll(/Worker finished execution (\d+)/g)) map.set(match[1], w.name);
		}
		return map;
	}

	/** Executions in the shared database: [{ id, workflowId, mode, status, finished }], oldest first. */
	async executions({ workflowId, afterId = 0 } = {}) {
		const rows = await this.pg.psql(
			`select id, "workflowId", mode, status, finished from execution_entity where id > ${Number(afterId)}${workflowId ? ` and "workflowId" = '${String(workflowId).replace(/'/g, "''")}'` : ''} order by id`,
		);
		return rows.map(([id, wf, mode, status, finished]) => ({ id, workflowId: wf, mode, status, finished: finished === 't' }));
	}

	async lastExecutionId() {
		const [[max]] = await this.pg.psql('select coalesce(max(id), 0) from execution_entity');
		return Number(max);
	}

	cleanup() {
		removeTempDir(this.root);
	}
}
