import { defineOp } from './define.js';
import { mapBroadcast } from './kernel-util.js';
import { binaryRule } from './rule-util.js';

/** Logical and of two bool tensors. */
export const and = defineOp<'and', 2>({
  arity: 2,
  rule: binaryRule('and', ['bool'], 'bool'),
  kernel: ([a, b]) => [mapBroadcast([a, b], 'bool', (x, y) => (x && y ? 1 : 0))],
  vjp: null,
});
