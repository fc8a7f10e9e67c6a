// PostgreSQL and Redis for the queue-mode suite: a throw-away PostgreSQL cluster in a temp folder and a
// redis-server, each on a free loopback port, started and stopped by process id. The binaries come from
// Debian's packages (scripts/ensure-services.sh installs them when missing); no system service is used.
import { execFile, spawn } from 'node:child_process';
import { chownSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { freePort, REPO } from '../../e2e/lib/n8n.mjs';

const run = promisify(execFile);

/** Everything started here, killed on exit if a test run dies before stopping it; its temp folders removed. */
const children = new Set();
const tempDirs = new Set();
process.once('exit', () => {
	for (const child of children) killGroup(child.pid, 'SIGKILL');
	if (process.env.E2E_KEEP !== '1') for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A temp folder removed on exit (or by `removeTempDir`). */
export function tempDir(prefix) {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	tempDirs.add(dir);
	return dir;
}

export function removeTempDir(dir) {
	tempDirs.delete(dir);
	if (process.env.E2E_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
}

export function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false; // already gone
	}
}

/** Spawns a detached process (its own process group) logging to `logFile`; stop() ends that group only. */
export function spawnService(command, args, { env = process.env, logFile, uid, gid, cwd } = {}) {
	const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...(uid === undefined ? {} : { uid, gid }) });
	const log = createWriteStream(logFile, { flags: 'a' });
	child.stdout.pipe(log);
	child.stderr.pipe(log);
	children.add(child);
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
	exited.then(() => children.delete(child));
	return {
		child,
		pid: child.pid,
		exited,
		get running() {
			return child.exitCode === null && child.signalCode === null;
		},
		/** SIGTERM (or `signal`) to the process group (or its leader only), SIGKILL to the group after `graceMs`. */
		async stop({ signal = 'SIGTERM', graceMs = 20_000, leaderOnly = false } = {}) {
			if (child.exitCode !== null || child.signalCode !== null) return;
			if (leaderOnly) {
				try {
					process.kill(child.pid, signal);
				} catch {
					// already gone
				}
			} else killGroup(child.pid, signal);
			const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
			await exited;
			clearTimeout(timer);
		},
	};
}

/** The binaries: PG_BIN (initdb, pg_ctl, postgres, psql…) and REDIS_SERVER, from scripts/ensure-services.sh. */
export async function ensureServices() {
	const { stdout } = await run('bash', [join(REPO, 'scripts/ensure-services.sh')], { maxBuffer: 16 * 1024 * 1024, timeout: 15 * 60_000 });
	const values = Object.fromEntries(
		stdout
			.trim()
			.split('\n')
			.filter((line) => line.includes('='))
			.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
	);
	return { pgBin: values.PG_BIN, redisServer: values.REDIS_SERVER };
}

async function waitFor(what, probe, timeoutMs, service) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (service && !service.running) throw new Error(`${what}: the process exited`);
		if (await probe().catch(() => false)) return;
		if (Date.now() > deadline) throw new Error(`${what}: not ready within ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

/** `getent passwd postgres` → { uid, gid }, for running the cluster when this process is root. */
function postgresUser() {
	const line = readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((l) => l.startsWith('postgres:'));
	if (!line) throw new Error('running as root and there is no postgres user to run PostgreSQL as');
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

/**
 * A PostgreSQL cluster in a temp folder, listening on 127.0.0.1:<free port> only (socket in the same
 * folder), trust authentication for the superuser `n8n`, database `n8n`. Tuned for throw-away tests
 * (no fsync). Returns { host, port, user, database, psql(sql), stop() }.
 */
export async function startPostgres({ pgBin, log = () => {} }) {
	const asUser = process.getuid?.() === 0 ? postgresUser() : undefined;
	const root = tempDir('inbank-queue-pg-');
	const data = join(root, 'data');
	const sockets = join(root, 'sockets');
	mkdirSync(sockets);
	if (asUser) for (const dir of [root, sockets]) chownSync(dir, asUser.uid, asUser.gid);
	// cwd: its own folder, which the postgres user can enter (a clone under /root may not be).
	const opts = { ...(asUser ?? {}), cwd: root, env: { ...process.env, LC_ALL: 'C.UTF-8' }, maxBuffer: 16 * 1024 * 1024 };
	const started = Date.now();
	await run(join(pgBin, 'initdb'), ['-D', data, '-U', 'n8n', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], opts).catch((error) => {
		error.message = `initdb failed: ${error.message}\n${error.stderr ?? ''}`;
		throw error;
	});
	const port = await freePort();
	const logFile = join(root, 'postgres.log');
	const service = spawnService(
		join(pgBin, 'postgres'),
		['-D', data, '-p', String(port), '-k', sockets, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
		{ env: opts.env, cwd: root, logFile, ...(asUser ?? {}) },
	);
	const psqlBin = existsSync(join(pgBin, 'psql')) ? join(pgBin, 'psql') : 'psql';
	const psql = async (sql, database = 'n8n') => {
		const { stdout } = await run(psqlBin, ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', '-d', database, '-v', 'ON_ERROR_STOP=1', '-At', '-F', '\t', '-c', sql], {
			maxBuffer: 64 * 1024 * 1024,
			env: { ...process.env, PGCONNECT_TIMEOUT: '5' },
		});
		return stdout
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => line.split('\t'));
	};
	await waitFor('PostgreSQL', () => psql('select 1', 'postgres').then(() => true), 60_000, service);
	await psql('create database n8n', 'postgres');
	log(`PostgreSQL ready on 127.0.0.1:${port} (pid ${service.pid}) in ${Date.now() - started} ms`);
	return {
		host: '127.0.0.1',
		port,
		user: 'n8n',
		database: 'n8n',
		pid: service.pid,
		logFile,
		psql,
		async stop({ keep = false } = {}) {
			// SIGINT = PostgreSQL's fast shutdown.
			await service.stop({ signal: 'SIGINT', graceMs: 15_000, leaderOnly: true });
			if (!keep) removeTempDir(root);
		},
	};
}

/** One Redis command over a plain socket (no client library): resolves with the first reply line. */
export function redisCommand(port, ...args) {
	return new Promise((resolve, reject) => {
		const socket = connect(port, '127.0.0.1');
		let reply = '';
		socket.setTimeout(5000, () => socket.destroy(new Error('redis: timeout')));
		socket.on('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join('')}`));
		socket.on('data', (chunk) => {
			reply += chunk;
			if (reply.includes('\r\n')) {
				socket.end();
				resolve(reply.split('\r\n')[0]);
			}
		});
		socket.on('error', reject);
	});
}

/** redis-server on 127.0.0.1:<free port>, no persistence, its folder in /tmp. Returns { host, port, stop() }. */
export async function startRedis({ redisServer, log = () => {} }) {
	const root = tempDir('inbank-queue-redis-');
	const port = await freePort();
	const started = Date.now();
	const service = spawnService(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', root, '--daemonize', 'no', '--protected-mode', 'yes'], {
		logFile: join(root, 'redis.log'),
	});
	await waitFor('Redis', async () => (await redisCommand(port, 'PING')) === '+PONG', 30_000, service);
	log(`Redis ready on 127.0.0.1:${port} (pid ${service.pid}) in ${Date.now() - started} ms`);
	return {
		host: '127.0.0.1',
		port,
		pid: service.pid,
		async stop() {
			await service.stop({ graceMs: 10_000 });
			removeTempDir(root);
		},
	};
}
