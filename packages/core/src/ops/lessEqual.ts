import { defineOp } from './define.js';
import { mapBroadcast } from './kernel-util.js';
import { binaryRule, NUMERIC } from './rule-util.js';

/** Elementwise x <= y, a bool result; carries no gradient. */
export const lessEqual = defineOp<'lessEqual', 2>({
  arity: 2,
  rule: binaryRule('lessEqual', NUMERIC, 'bool'),
  kernel: ([a, b]) => [mapBroadcast([a, b], 'bool', (x, y) => (x <= y ? 1 : 0))],
  vjp: null,
});
