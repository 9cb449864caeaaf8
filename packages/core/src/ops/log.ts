import { defineOp } from './define.js';
import { mapUnary } from './kernel-util.js';
import { FLOAT, unaryRule } from './rule-util.js';

/** natural logarithm */
export const log = defineOp<'log', 1>({
  arity: 1,
  rule: unaryRule('log', FLOAT),
  kernel: ([a]) => [mapUnary(a, a.dtype, Math.log)],
  vjp: ({ inputs: [x], grads: [g] }) => [g.div(x)],
});
