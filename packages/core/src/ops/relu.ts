import { defineOp } from './define.js';
import { mapUnary } from './kernel-util.js';
import { FLOAT, unaryRule } from './rule-util.js';

/** max(x, 0); the gradient at 0 is 0, as PyTorch's (see ir/ops.ts). */
export const relu = defineOp<'relu', 1>({
  arity: 1,
  rule: unaryRule('relu', FLOAT),
  kernel: ([x]) => [mapUnary(x, 'float32', (v) => Math.max(v, 0))],
  vjp: ({ inputs: [x], grads: [g] }) => [g.builder.where(x.greater(0), g, 0)],
});
