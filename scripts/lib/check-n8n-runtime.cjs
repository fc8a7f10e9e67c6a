// Every dependency n8n declares is in the tree (a killed install leaves holes), and the native and
// core modules load with this Node.
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const n8nDir = process.cwd();
const modules = join(n8nDir, '..');
const { dependencies = {} } = JSON.parse(readFileSync(join(n8nDir, 'package.json'), 'utf8'));
const missing = Object.keys(dependencies).filter(
	(name) => !existsSync(join(n8nDir, 'node_modules', name, 'package.json')) && !existsSync(join(modules, name, 'package.json')),
);
if (missing.length) {
	console.log(`missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);
	process.exit(1);
}
for (const name of ['sqlite3', 'n8n-core']) {
	try {
		require(require.resolve(name, { paths: [n8nDir] }));
	} catch (error) {
		console.log(`${name} does not load: ${String(error.message).split('\n')[0]}`);
		process.exit(2);
	}
}
