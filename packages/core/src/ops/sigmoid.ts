import { defineOp } from './define.js';
import { mapUnary } from './kernel-util.js';
import { FLOAT, unaryRule } from './rule-util.js';

/** 1 / (1 + e^-x); the gradient is y·(1 - y), from the output. */
export const sigmoid = defineOp<'sigmoid', 1>({
  arity: 1,
  rule: unaryRule('sigmoid', FLOAT),
  // the two branches keep e^|x| from overflowing
  kernel: ([x]) => [mapUnary(x, 'float32', (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))))],
  vjp: ({ outputs: [y], grads: [g] }) => [g.mul(y).mul(y.neg().add(1))],
});
