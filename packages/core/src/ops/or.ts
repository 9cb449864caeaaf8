import { defineOp } from './define.js';
import { mapBroadcast } from './kernel-util.js';
import { binaryRule } from './rule-util.js';

/** Logical or of two bool tensors. */
export const or = defineOp<'or', 2>({
  arity: 2,
  rule: binaryRule('or', ['bool'], 'bool'),
  kernel: ([a, b]) => [mapBroadcast([a, b], 'bool', (x, y) => (x || y ? 1 : 0))],
  vjp: null,
});
