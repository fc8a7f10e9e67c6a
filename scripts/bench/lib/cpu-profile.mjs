// Reading `node --cpu-prof` output for the profile scripts: the largest profile in a folder (the process
// that did the work), each sample's call chain, and the package a function comes from.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function largestProfile(dir) {
	const file = readdirSync(dir)
		.map((name) => join(dir, name))
		.sort((a, b) => statSync(b).size - statSync(a).size)[0];
	const profile = JSON.parse(readFileSync(file, 'utf8'));
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map();
	for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
	/** Microseconds of CPU per leaf node id. */
	const time = new Map();
	profile.samples.forEach((id, i) => time.set(id, (time.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
	/** The frames from the leaf up to the root. */
	const chain = (id) => {
		const frames = [];
		for (let cur = id; cur !== undefined; cur = parent.get(cur)) frames.push(byId.get(cur));
		return frames;
	};
	return { file, time, chain, node: (id) => byId.get(id) };
}

/** The npm package (or the Node.js internal file) a frame's URL belongs to. */
export const packageOf = (url) =>
	(url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)?.pop() ?? url.split('/').slice(-2).join('/')).replace('node_modules/', '');

export const frameName = (frame) =>
	`${frame.callFrame.functionName || '(anon)'} ${packageOf(frame.callFrame.url)}:${frame.callFrame.lineNumber}`;

/** The largest entries of a Map of microseconds, as lines of milliseconds. */
export const top = (map, count) =>
	[...map]
		.sort((a, b) => b[1] - a[1])
		.slice(0, count)
		.map(([name, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`)
		.join('\n');
