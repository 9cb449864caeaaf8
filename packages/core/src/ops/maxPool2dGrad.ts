import { fail } from '../errors.js';
import { allocate } from '../ir/tensor-data.js';
import { defineOp } from './define.js';
import { two } from './operands.js';
import { firstMaxima, poolWindows } from './window-kernels.js';
import { checkPoolAttrs, expectImage, expectWindowsHitInput, windowOutShape } from './window-rules.js';

/** the gradient of maxPool2d: (x, dy) -> dx (see ir/ops.ts). */
export const maxPool2dGrad = defineOp<'maxPool2dGrad', 2>({
  arity: 2,
  rule: (inputs, a) => {
    checkPoolAttrs('maxPool2dGrad', a);
    const [x, dy] = two('maxPool2dGrad', inputs);
    const [n, c, h, w] = expectImage('maxPool2dGrad', x, 'x');
    const [dn, dc, ho, wo] = expectImage('maxPool2dGrad', dy, 'dy');
    const [eh, ew] = windowOutShape('maxPool2dGrad', [h, w], a.kernelSize, a, a.ceilMode);
    expectWindowsHitInput('maxPool2dGrad', [h, w], [eh, ew], a);
    if (eh !== ho || ew !== wo || dn !== n || dc !== c)
      fail('INVALID_GRAPH', `maxPool2dGrad: dy is ${ho} x ${wo}, the pool gives ${eh} x ${ew}`);
    return [{ dtype: 'float32', shape: [n, c, h, w] }];
  },
  kernel: (inputs, a) => {
    const [x, dy] = two('maxPool2dGrad', inputs);
    const [n = 0, c = 0, h = 0, w = 0] = x.shape;
    const [, , ho = 0, wo = 0] = dy.shape;
    const win = poolWindows(h, w, ho, wo, a);
    const gs = dy.data;
    const dx = allocate('float32', n * c * h * w);
    for (let p = 0; p < n * c; p++) {
      firstMaxima(x.data, p * h * w, win).forEach((at, k) => {
        const to = p * h * w + at;
        dx[to] = (dx[to] ?? 0) + (gs[p * ho * wo + k] ?? 0);
      });
    }
    return [{ dtype: 'float32', shape: [n, c, h, w], data: dx }];
  },
  // the routing is piecewise constant in x, and no second-order use needs the dy path: no gradient
  vjp: null,
});
