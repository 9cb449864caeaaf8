import { defineOp } from './define.js';

/** Identity forward; blocks the gradient backward (matching and mining use it). */
export const stopGradient = defineOp<'stopGradient', 1>({
  arity: 1,
  rule: ([x]) => [{ dtype: x.dtype, shape: x.shape }],
  kernel: ([x]) => [x],
  vjp: null,
});
