import { defineOp } from './define.js';
import { mapUnary } from './kernel-util.js';
import { FLOAT, unaryRule } from './rule-util.js';

/** e^x */
export const exp = defineOp<'exp', 1>({
  arity: 1,
  rule: unaryRule('exp', FLOAT),
  kernel: ([a]) => [mapUnary(a, a.dtype, Math.exp)],
  vjp: ({ outputs: [y], grads: [g] }) => [g.mul(y)],
});
