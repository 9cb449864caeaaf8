import { defineOp } from './define.js';
import { keepReducedDims, reduceKernel } from './reduce-util.js';
import { expectAxes, expectDtype, NUMERIC, reducedShape } from './rule-util.js';

/** Sum over `axes`. */
export const reduceSum = defineOp<'reduceSum', 1>({
  arity: 1,
  rule: ([x], { axes, keepDims }) => {
    expectDtype('reduceSum', x, NUMERIC);
    expectAxes('reduceSum', axes, x.shape.length);
    return [{ dtype: x.dtype, shape: reducedShape(x.shape, axes, keepDims) }];
  },
  kernel: ([x], { axes, keepDims }) => [reduceKernel(x, axes, keepDims, x.dtype, 0, (a, v) => a + v)],
  vjp: ({ inputs: [x], grads: [g], attrs: { axes, keepDims } }) => [keepReducedDims(g, axes, keepDims).expand(x.shape)],
});
