import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { checkPoolAttrs, expectImage, windowOutShape } from './window-rules.js';

/** the gradient of maxPool2d: (x, dy) -> dx (see ir/ops.ts). */
export const maxPool2dGrad = defineOp<'maxPool2dGrad'>({
  arity: 2,
  rule: ([x, dy], a) => {
    checkPoolAttrs('maxPool2dGrad', a);
    const [n, c, h, w] = expectImage('maxPool2dGrad', x!, 'x');
    const [, , ho, wo] = expectImage('maxPool2dGrad', dy!, 'dy');
    const [eh, ew] = windowOutShape('maxPool2dGrad', [h, w], a.kernelSize, a, a.ceilMode);
    if (eh !== ho || ew !== wo)
      fail('INVALID_GRAPH', `maxPool2dGrad: dy is ${ho} x ${wo}, the pool gives ${eh} x ${ew}`);
    return [{ dtype: 'float32', shape: [n, c, h, w] }];
  },
  kernel: () =>
    fail('UNSUPPORTED_OP', 'maxPool2dGrad: the reference kernel is not written yet', { op: 'maxPool2dGrad' }),
  vjp: null,
});
