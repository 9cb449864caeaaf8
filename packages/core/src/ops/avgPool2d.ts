import type { OpAttrs } from '../ir/ops.js';
import { allocate } from '../ir/tensor-data.js';
import { spatialSize } from './conv2d.js';
import { defineOp } from './define.js';
import { poolAttrs } from './maxPool2d.js';
import { one } from './operands.js';
import { avgPoolDivisors, poolWindows } from './window-kernels.js';
import { checkPoolAttrs, expectImage, expectWindowsHitInput, windowOutShape } from './window-rules.js';

/** The avgPool2d attributes alone (its gradient adds the input size). */
export function avgPoolAttrs(a: OpAttrs['avgPool2d']): OpAttrs['avgPool2d'] {
  return { ...poolAttrs(a), countIncludePad: a.countIncludePad };
}

/** average pooling over 2-D windows (see ir/ops.ts). */
export const avgPool2d = defineOp<'avgPool2d', 1>({
  arity: 1,
  rule: (inputs, a) => {
    checkPoolAttrs('avgPool2d', a);
    const [n, c, h, w] = expectImage('avgPool2d', one('avgPool2d', inputs), 'x');
    const out = windowOutShape('avgPool2d', [h, w], a.kernelSize, a, a.ceilMode);
    expectWindowsHitInput('avgPool2d', [h, w], out, a);
    return [{ dtype: 'float32', shape: [n, c, ...out] }];
  },
  kernel: (inputs, a) => {
    const x = one('avgPool2d', inputs);
    const [n = 0, c = 0, h = 0, w = 0] = x.shape;
    const [ho, wo] = windowOutShape('avgPool2d', [h, w], a.kernelSize, a, a.ceilMode);
    const win = poolWindows(h, w, ho, wo, a);
    const divisors = avgPoolDivisors(win, a.countIncludePad);
    const xs = x.data;
    const y = allocate('float32', n * c * ho * wo);
    for (let p = 0; p < n * c; p++) {
      win.taps.forEach((taps, k) => {
        let sum = 0;
        for (const t of taps) sum += xs[p * h * w + t] ?? 0;
        y[p * ho * wo + k] = sum / (divisors[k] ?? 1);
      });
    }
    return [{ dtype: 'float32', shape: [n, c, ho, wo], data: y }];
  },
  vjp: ({ grads: [g], inputs, attrs }) => {
    if (g === undefined) return [undefined];
    const inputSize = spatialSize(one('avgPool2d', inputs).shape);
    return g.builder.apply('avgPool2dGrad', [g], { ...avgPoolAttrs(attrs), inputSize });
  },
});
