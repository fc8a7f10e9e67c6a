// Preloaded into n8n (NODE_OPTIONS=--require) by scripts/bench/count-outputs.mjs: counts how often n8n
// evaluates the trigger's outputs expression (WorkflowExpression/Expression.getSimpleParameterValue with it) and
// calls NodeHelpers.getNodeOutputs, and writes the counts to COUNT_OUTPUTS_FILE.<pid> on every count.
const { writeFileSync } = require('node:fs');

const workflowLib = require(require.resolve('n8n-workflow', { paths: [process.env.COUNT_OUTPUTS_N8N_DIR] }));
const counts = { outputsExpression: 0, getNodeOutputs: 0, otherSimpleParameterValues: 0, stacks: {}, argv: process.argv.slice(1, 3) };
const holder = workflowLib.WorkflowExpression?.prototype.getSimpleParameterValue ? workflowLib.WorkflowExpression : workflowLib.Expression;
const original = holder.prototype.getSimpleParameterValue;
holder.prototype.getSimpleParameterValue = function (node, value, ...rest) {
	if (typeof value === 'string' && value.includes('routeByStatus')) {
		counts.outputsExpression++;
		const stack = new Error().stack.split('\n').slice(2, 8).map((line) => line.trim()).join(' <- ');
		counts.stacks[stack] = (counts.stacks[stack] ?? 0) + 1;
	} else counts.otherSimpleParameterValues++;
	save();
	return original.call(this, node, value, ...rest);
};
const getNodeOutputs = workflowLib.NodeHelpers.getNodeOutputs;
Object.defineProperty(workflowLib.NodeHelpers, 'getNodeOutputs', {
	value(...args) {
		counts.getNodeOutputs++;
		save();
		return getNodeOutputs.apply(this, args);
	},
});
// Written on every count (a probe, not a benchmark): the file is current whenever it is read.
function save() {
	writeFileSync(`${process.env.COUNT_OUTPUTS_FILE}.${process.pid}`, JSON.stringify(counts));
}
