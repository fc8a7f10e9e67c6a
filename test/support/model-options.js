'use strict';
// What the trigger's model-based property test reads from the environment (replaying a seed, narrowing the
// world to one way of breaking the promise). Plain JavaScript: the environment is a test-only concern,
// outside the node code and its lint rules.
module.exports = {
	focus: process.env.MODEL_FOCUS ?? 'all',
	runs: Number(process.env.MODEL_RUNS ?? 150),
	seed: process.env.MODEL_SEED === undefined ? undefined : Number(process.env.MODEL_SEED),
};
