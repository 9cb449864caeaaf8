import type { Pool2dAttrs } from '../ir/ops.js';
import { allocate } from '../ir/tensor-data.js';
import { defineOp } from './define.js';
import { one } from './operands.js';
import { firstMaxima, poolWindows } from './window-kernels.js';
import { checkPoolAttrs, expectImage, expectWindowsHitInput, windowOutShape } from './window-rules.js';

/** The pool attributes alone (the gradient ops add their own to them). */
export function poolAttrs({ kernelSize, strides, pads, dilations, ceilMode }: Pool2dAttrs): Pool2dAttrs {
  return { kernelSize, strides, pads, dilations, ceilMode };
}

/** max pooling over 2-D windows (see ir/ops.ts). */
export const maxPool2d = defineOp<'maxPool2d', 1>({
  arity: 1,
  rule: (inputs, a) => {
    checkPoolAttrs('maxPool2d', a);
    const [n, c, h, w] = expectImage('maxPool2d', one('maxPool2d', inputs), 'x');
    const out = windowOutShape('maxPool2d', [h, w], a.kernelSize, a, a.ceilMode);
    expectWindowsHitInput('maxPool2d', [h, w], out, a);
    return [{ dtype: 'float32', shape: [n, c, ...out] }];
  },
  kernel: (inputs, a) => {
    const x = one('maxPool2d', inputs);
    const [n = 0, c = 0, h = 0, w = 0] = x.shape;
    const [ho, wo] = windowOutShape('maxPool2d', [h, w], a.kernelSize, a, a.ceilMode);
    const win = poolWindows(h, w, ho, wo, a);
    const xs = x.data;
    const y = allocate('float32', n * c * ho * wo);
    for (let p = 0; p < n * c; p++) {
      firstMaxima(xs, p * h * w, win).forEach((at, k) => {
        y[p * ho * wo + k] = xs[p * h * w + at] ?? 0;
      });
    }
    return [{ dtype: 'float32', shape: [n, c, ho, wo], data: y }];
  },
  vjp: ({ inputs, grads: [g], attrs }) =>
    g === undefined ? [undefined] : g.builder.apply('maxPool2dGrad', [one('maxPool2d', inputs), g], poolAttrs(attrs)),
});
