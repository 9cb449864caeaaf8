import { defineOp } from './define.js';
import { mapUnary } from './kernel-util.js';
import { FLOAT, unaryRule } from './rule-util.js';

/** hyperbolic tangent; the gradient is 1 - y², from the output. */
export const tanh = defineOp<'tanh', 1>({
  arity: 1,
  rule: unaryRule('tanh', FLOAT),
  kernel: ([x]) => [mapUnary(x, 'float32', Math.tanh)],
  vjp: ({ outputs: [y], grads: [g] }) => [g.mul(y.mul(y).neg().add(1))],
});
