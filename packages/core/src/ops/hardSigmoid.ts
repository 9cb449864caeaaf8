import { defineOp } from './define.js';
import { mapUnary } from './kernel-util.js';
import { FLOAT, unaryRule } from './rule-util.js';

/**
 * max(0, min(1, alpha·x + beta)). The gradient alpha passes where alpha·x + beta lies strictly inside
 * (0, 1): 0 at the kinks, as PyTorch's hardsigmoid (alpha 1/6, beta 1/2) at ±3.
 */
export const hardSigmoid = defineOp<'hardSigmoid', 1>({
  arity: 1,
  rule: unaryRule('hardSigmoid', FLOAT),
  kernel: ([x], { alpha, beta }) => [mapUnary(x, 'float32', (v) => Math.max(0, Math.min(1, alpha * v + beta)))],
  vjp: ({ inputs: [x], grads: [g], attrs: { alpha, beta } }) => {
    const z = x.mul(alpha).add(beta);
    return [g.builder.where(z.greater(0).and(z.less(1)), g.mul(alpha), 0)];
  },
});
