import { defineOp } from './define.js';
import { mapUnary } from './kernel-util.js';
import { FLOAT, unaryRule } from './rule-util.js';

/** x where x > 0, else alpha·x; the gradient at 0 is alpha, as PyTorch's. */
export const leakyRelu = defineOp<'leakyRelu', 1>({
  arity: 1,
  rule: unaryRule('leakyRelu', FLOAT),
  kernel: ([x], { alpha }) => [mapUnary(x, 'float32', (v) => (v > 0 ? v : alpha * v))],
  vjp: ({ inputs: [x], grads: [g], attrs: { alpha } }) => [g.builder.where(x.greater(0), g, g.mul(alpha))],
});
