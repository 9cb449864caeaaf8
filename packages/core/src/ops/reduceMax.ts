import { defineOp } from './define.js';
import { keepReducedDims, reduceKernel } from './reduce-util.js';
import { expectAxes, expectDtype, NUMERIC, reducedShape } from './rule-util.js';

/** Max over `axes`. The gradient is shared equally between tied maxima (as torch.amax). */
export const reduceMax = defineOp<'reduceMax', 1>({
  arity: 1,
  rule: ([x], { axes, keepDims }) => {
    expectDtype('reduceMax', x, NUMERIC);
    expectAxes('reduceMax', axes, x.shape.length);
    return [{ dtype: x.dtype, shape: reducedShape(x.shape, axes, keepDims) }];
  },
  kernel: ([x], { axes, keepDims }) => [
    reduceKernel(x, axes, keepDims, x.dtype, -Infinity, (a, v) => (v > a || Number.isNaN(v) ? v : a)),
  ],
  vjp: ({ inputs: [x], outputs: [y], grads: [g], attrs: { axes, keepDims } }) => {
    const isMax = x.equal(keepReducedDims(y, axes, keepDims)).cast('float32');
    const share = keepReducedDims(g, axes, keepDims).div(isMax.sum(axes, true));
    return [isMax.mul(share)];
  },
});
