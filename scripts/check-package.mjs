// Checks what `npm publish` would ship: only dist/ (nodes, credentials, icons, codex) plus the files npm
// always adds, no runtime dependencies, and the n8n section pointing at files that exist.
// Run after `npm run build`. Prints one line per check and a closing "N passed, M failed".
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
const files = pack.files.map((f) => f.path);
const ALWAYS = new Set(['package.json', 'README.md', 'LICENSE.md']);

const checks = [
	['no runtime dependencies', Object.keys(pkg.dependencies ?? {}).length === 0],
	['n8n-workflow is the only peer dependency', JSON.stringify(pkg.peerDependencies) === JSON.stringify({ 'n8n-workflow': '*' })],
	['no lifecycle scripts', !Object.keys(pkg.scripts ?? {}).some((s) => /^(pre|post)?(install|prepare|publish|prepublishOnly|prepack|postpack)$/.test(s))],
	['strict n8n section', pkg.n8n?.strict === true && pkg.n8n?.n8nNodesApiVersion === 1],
	['MIT licence', pkg.license === 'MIT' && existsSync('LICENSE.md')],
	['community keyword', (pkg.keywords ?? []).includes('n8n-community-node-package')],
	['tarball holds only dist/ and the files npm always adds', files.every((f) => f.startsWith('dist/') || ALWAYS.has(f))],
	['no tests, sources or build info in the tarball', !files.some((f) => /(^|\/)test\/|\.ts$(?<!\.d\.ts)|tsbuildinfo/.test(f))],
	['every node and credential in the n8n section is packed', [...pkg.n8n.nodes, ...pkg.n8n.credentials].every((f) => files.includes(f))],
	['light and dark icons for every node and credential', [...pkg.n8n.nodes, ...pkg.n8n.credentials].every((f) => {
		const dir = f.slice(0, f.lastIndexOf('/'));
		return files.some((p) => p.startsWith(dir) && p.endsWith('.dark.svg')) && files.some((p) => p.startsWith(dir) && p.endsWith('.svg') && !p.endsWith('.dark.svg'));
	})],
	// n8n-node build copies every PNG in the repo (the README's pictures) into dist: only the nodes' own files ship.
	['dist/ holds only nodes and credentials (.js, codex .json, .svg icons)', files.filter((f) => f.startsWith('dist/')).every((f) => f === 'dist/package.json' || /^dist\/(nodes|credentials)\/.*\.(js|json|svg)$/.test(f))],
	['codex file for every node', pkg.n8n.nodes.every((f) => files.includes(f.replace(/\.js$/, '.json')))],
];

let failed = 0;
for (const [name, ok] of checks) {
	console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
	if (!ok) failed++;
}
console.log(`packed size ${pack.size} bytes, unpacked ${pack.unpackedSize} bytes, ${files.length} files`);
console.log(`${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
