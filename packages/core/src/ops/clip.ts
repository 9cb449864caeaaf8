import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { mapUnary } from './kernel-util.js';
import { FLOAT, unaryRule } from './rule-util.js';

/**
 * min(max(x, min), max). The gradient passes strictly inside (min, max) only: 0 at both bounds, as
 * PyTorch's hardtanh and relu6 (`torch.clamp` would give 1 there).
 */
export const clip = defineOp<'clip', 1>({
  arity: 1,
  rule: (inputs, { min, max }) => {
    if (!(min <= max)) fail('INVALID_GRAPH', `clip: min ${min} above max ${max}`);
    return unaryRule('clip', FLOAT)(inputs);
  },
  kernel: ([x], { min, max }) => [mapUnary(x, 'float32', (v) => Math.min(Math.max(v, min), max))],
  vjp: ({ inputs: [x], grads: [g], attrs: { min, max } }) => [g.builder.where(x.greater(min).and(x.less(max)), g, 0)],
});
