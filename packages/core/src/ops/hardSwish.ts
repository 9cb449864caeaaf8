import { defineOp } from './define.js';
import { mapUnary } from './kernel-util.js';
import { FLOAT, unaryRule } from './rule-util.js';

/**
 * x·hardSigmoid(x) = x·min(max(x + 3, 0), 6)/6. The gradient is PyTorch's hardswish_backward: 0 below -3,
 * x/3 + 1/2 on [-3, 3] (-1/2 at -3, 3/2 at 3), 1 above. At exactly 3, PyTorch 1.13's vectorised CPU
 * loop gives 1 instead, so a tensor of many 3s gets both; this follows its scalar definition.
 */
export const hardSwish = defineOp<'hardSwish', 1>({
  arity: 1,
  rule: unaryRule('hardSwish', FLOAT),
  kernel: ([x]) => [mapUnary(x, 'float32', (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6)],
  vjp: ({ inputs: [x], grads: [g] }) => {
    const b = g.builder;
    const inner = b.where(x.lessEqual(3), x.div(3).add(0.5), 1);
    return [g.mul(b.where(x.less(-3), 0, inner))];
  },
});
