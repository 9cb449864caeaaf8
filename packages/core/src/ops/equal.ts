import { defineOp } from './define.js';
import { mapBroadcast } from './kernel-util.js';
import { binaryRule } from './rule-util.js';

/** Elementwise x === y, a bool result; carries no gradient. */
export const equal = defineOp<'equal', 2>({
  arity: 2,
  rule: binaryRule('equal', ['float32', 'int32', 'bool'], 'bool'),
  kernel: ([a, b]) => [mapBroadcast([a, b], 'bool', (x, y) => (x === y ? 1 : 0))],
  vjp: null,
});
