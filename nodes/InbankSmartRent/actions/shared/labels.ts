import type { INodeProperties, INodePropertyCollection } from 'n8n-workflow';

/**
 * Field names as the form shows them ("Assets → Asset Type"), read from the node's own property
 * definitions: the displayName of each parameter, collection option and fixedCollection value, so the
 * error and the form cannot disagree. `parameterPaths` only says where an API field lives in the form
 * when the names differ (API path with [] for list entries → parameter names joined by dots; the group
 * of a fixedCollection, e.g. `asset` in `assets.asset.type`, is named but not shown).
 */
export type FieldLabeler = (path: ReadonlyArray<string | number>) => string | undefined;

export function fieldLabeler(
	properties: INodeProperties[],
	parameterPaths: Record<string, string> = {},
): FieldLabeler {
	const cache = new Map<string, string | undefined>();
	return (path) => {
		const key = path.map((part) => (typeof part === 'number' ? '[]' : part)).join('.').replace(/\.\[\]/g, '[]');
		if (!cache.has(key)) cache.set(key, labelFor(properties, parameterPaths, key));
		return cache.get(key);
	};
}

function labelFor(properties: INodeProperties[], parameterPaths: Record<string, string>, key: string) {
	// An unlisted field of a listed object (e.g. a key the JSON of an entry added) falls back to its parent.
	for (let current = key; current; current = current.replace(/(\.[^.]*|\[\])$/, '')) {
		const parameterPath = parameterPaths[current] ?? (current.includes('[]') ? undefined : current);
		const label = parameterPath ? labelOfParameter(properties, parameterPath.split('.')) : undefined;
		if (label) return label;
		if (!/[.[]/.test(current)) break;
	}
	return undefined;
}

function labelOfParameter(properties: INodeProperties[], names: string[]): string | undefined {
	const [first, ...rest] = names;
	// Several definitions may share a name (one per operation): any with the path gives the same words.
	for (const property of properties.filter((candidate) => candidate.name === first)) {
		if (rest.length === 0) return property.displayName;
		if (property.type === 'collection') {
			const inner = labelOfParameter((property.options ?? []) as INodeProperties[], rest);
			if (inner) return `${property.displayName} → ${inner}`;
		}
		if (property.type === 'fixedCollection') {
			const [group, ...inGroup] = rest;
			const values = ((property.options ?? []) as INodePropertyCollection[]).find((option) => option.name === group)
				?.values;
			if (!values) continue;
			if (inGroup.length === 0) return property.displayName;
			const inner = labelOfParameter(values, inGroup);
			if (inner) return `${property.displayName} → ${inner}`;
		}
	}
	return undefined;
}
