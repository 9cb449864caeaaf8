import { defineOp } from './define.js';
import { mapUnary } from './kernel-util.js';
import { FLOAT, unaryRule } from './rule-util.js';

/** square root */
export const sqrt = defineOp<'sqrt', 1>({
  arity: 1,
  rule: unaryRule('sqrt', FLOAT),
  kernel: ([a]) => [mapUnary(a, a.dtype, Math.sqrt)],
  vjp: ({ outputs: [y], grads: [g] }) => [g.div(y.mul(2))],
});
