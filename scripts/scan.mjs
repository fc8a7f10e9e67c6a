// `npm run scan`: n8n's own community-package scanner (@n8n/scan-community-package), the check n8n runs
// before it verifies a package, run here on both things it lints: the source (with the scanner's own
// source patterns: package.json, nodes/ and credentials/) and the tarball `npm pack` makes (its compiled
// .js and package.json). Run after `npm run build`. n8n's provenance and source-download steps need a
// published version, so they are not run here; the publish workflow provides the provenance.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// The package has no "main" or "exports": its library is this file (the CLI imports it the same way).
import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

// The scanner's tarball leg: compiled JavaScript and the published package.json.
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'inbank-scan-'));

function packTarball() {
	const [pack] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
			cwd: root,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
		}),
	);
	const dir = join(work, 'package');
	execFileSync('tar', ['-xzf', join(work, pack.filename), '-C', work]);
	return { dir, files: pack.files.length };
}

async function leg(name, dir, patterns) {
	const t0 = Date.now();
	const result = await analyzePackage(dir, patterns);
	const took = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
	if (result.passed && result.message) {
		// "No files found to analyze" passes in the scanner; here it would mean the wrong folder was scanned.
		console.log(`FAIL ${name}: ${result.message} (${took})`);
		return false;
	}
	console.log(`${result.passed ? 'ok  ' : 'FAIL'} ${name} (${took})${result.passed ? '' : `: ${result.message}`}`);
	if (result.details) console.log(result.details);
	return result.passed;
}

let results;
try {
	const tarball = packTarball();
	results = [
		await leg(`source: ${SOURCE_FILE_PATTERNS.join(', ')}`, root, SOURCE_FILE_PATTERNS),
		await leg(`tarball (${tarball.files} files): ${TARBALL_FILE_PATTERNS.join(', ')}`, tarball.dir, TARBALL_FILE_PATTERNS),
	];
} finally {
	rmSync(work, { recursive: true, force: true });
}
const failed = results.filter((ok) => !ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
