import { defineOp } from './define.js';
import { mapUnary } from './kernel-util.js';
import { FLOAT, unaryRule } from './rule-util.js';

/** Elementwise smooth L1 (Huber) with beta 1: 0.5 x^2 where |x| < 1, else |x| - 0.5. */
export const smoothL1 = defineOp<'smoothL1', 1>({
  arity: 1,
  rule: unaryRule('smoothL1', FLOAT),
  kernel: ([x]) => [mapUnary(x, 'float32', (v) => (Math.abs(v) < 1 ? 0.5 * v * v : Math.abs(v) - 0.5))],
  // d/dx = clamp(x, -1, 1): one pass, instead of differentiating the where/abs/mul form
  vjp: ({ inputs: [x], grads: [g] }) => [x.maximum(-1).minimum(1).mul(g)],
});
