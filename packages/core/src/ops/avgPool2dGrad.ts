import { fail } from '../errors.js';
import { allocate } from '../ir/tensor-data.js';
import { avgPoolAttrs } from './avgPool2d.js';
import { defineOp } from './define.js';
import { one } from './operands.js';
import { avgPoolDivisors, poolWindows } from './window-kernels.js';
import { checkPoolAttrs, expectImage, expectWindowsHitInput, windowOutShape } from './window-rules.js';

/** the gradient of avgPool2d: (dy) -> dx (see ir/ops.ts). */
export const avgPool2dGrad = defineOp<'avgPool2dGrad', 1>({
  arity: 1,
  rule: (inputs, a) => {
    checkPoolAttrs('avgPool2dGrad', a);
    const [n, c, ho, wo] = expectImage('avgPool2dGrad', one('avgPool2dGrad', inputs), 'dy');
    const [eh, ew] = windowOutShape('avgPool2dGrad', a.inputSize, a.kernelSize, a, a.ceilMode);
    expectWindowsHitInput('avgPool2dGrad', a.inputSize, [eh, ew], a);
    if (eh !== ho || ew !== wo)
      fail('INVALID_GRAPH', `avgPool2dGrad: dy is ${ho} x ${wo}, the pool gives ${eh} x ${ew}`);
    return [{ dtype: 'float32', shape: [n, c, ...a.inputSize] }];
  },
  kernel: (inputs, a) => {
    const dy = one('avgPool2dGrad', inputs);
    const [n = 0, c = 0, ho = 0, wo = 0] = dy.shape;
    const [h, w] = a.inputSize;
    const win = poolWindows(h, w, ho, wo, a);
    const divisors = avgPoolDivisors(win, a.countIncludePad);
    const gs = dy.data;
    const dx = allocate('float32', n * c * h * w);
    for (let p = 0; p < n * c; p++) {
      win.taps.forEach((taps, k) => {
        const share = (gs[p * ho * wo + k] ?? 0) / (divisors[k] ?? 1);
        for (const t of taps) dx[p * h * w + t] = (dx[p * h * w + t] ?? 0) + share;
      });
    }
    return [{ dtype: 'float32', shape: [n, c, h, w], data: dx }];
  },
  // linear in dy: its adjoint is avgPool2d itself
  vjp: ({ grads: [g], attrs }) =>
    g === undefined ? [undefined] : g.builder.apply('avgPool2d', [g], avgPoolAttrs(attrs)),
});
