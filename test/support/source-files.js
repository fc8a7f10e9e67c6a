'use strict';
// The package's shipped TypeScript sources (nodes/ and credentials/), for tests that read the code itself.
// Plain JavaScript: file-system access is a test-only concern, outside the node code and its lint rules.
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');

function walk(dir) {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return walk(path);
		return path.endsWith('.ts') ? [path] : [];
	});
}

/** @returns {Array<{ path: string, text: string }>} */
function shippedSources() {
	return [...walk(join(ROOT, 'nodes')), ...walk(join(ROOT, 'credentials'))].map((path) => ({
		path: path.slice(ROOT.length + 1),
		text: readFileSync(path, 'utf8'),
	}));
}

module.exports = { shippedSources };
