'use strict';
// The workflows in examples/, for tests that check what they store. Plain JavaScript: file-system access
// is a test-only concern, outside the node code and its lint rules.
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const DIR = join(__dirname, '..', '..', 'examples');

/** @returns {Array<{ file: string, workflow: { nodes: Array<{ type: string, typeVersion: number }> } }>} */
function exampleWorkflows() {
	return readdirSync(DIR)
		.filter((file) => file.endsWith('.json'))
		.map((file) => ({ file, workflow: JSON.parse(readFileSync(join(DIR, file), 'utf8')) }));
}

module.exports = { exampleWorkflows };
