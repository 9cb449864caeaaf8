import { defineOp } from './define.js';
import { mapUnary } from './kernel-util.js';
import { FLOAT, unaryRule } from './rule-util.js';

/** arctangent, in (-pi/2, pi/2); d/dx = 1 / (1 + x^2) */
export const atan = defineOp<'atan', 1>({
  arity: 1,
  rule: unaryRule('atan', FLOAT),
  kernel: ([a]) => [mapUnary(a, a.dtype, Math.atan)],
  vjp: ({ inputs: [x], grads: [g] }) => [g.div(x.mul(x).add(1))],
});
