import { defineOp } from './define.js';
import { mapUnary } from './kernel-util.js';
import { unaryRule } from './rule-util.js';

/** Logical not of a bool tensor. */
export const not = defineOp<'not', 1>({
  arity: 1,
  rule: unaryRule('not', ['bool']),
  kernel: ([a]) => [mapUnary(a, 'bool', (x) => (x ? 0 : 1))],
  vjp: null,
});
