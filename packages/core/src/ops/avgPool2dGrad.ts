import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { checkPoolAttrs, expectImage, windowOutShape } from './window-rules.js';

/** the gradient of avgPool2d: (dy) -> dx (see ir/ops.ts). */
export const avgPool2dGrad = defineOp<'avgPool2dGrad'>({
  arity: 1,
  rule: ([dy], a) => {
    checkPoolAttrs('avgPool2dGrad', a);
    const [n, c, ho, wo] = expectImage('avgPool2dGrad', dy!, 'dy');
    const [eh, ew] = windowOutShape('avgPool2dGrad', a.inputSize, a.kernelSize, a, a.ceilMode);
    if (eh !== ho || ew !== wo)
      fail('INVALID_GRAPH', `avgPool2dGrad: dy is ${ho} x ${wo}, the pool gives ${eh} x ${ew}`);
    return [{ dtype: 'float32', shape: [n, c, ...a.inputSize] }];
  },
  kernel: () =>
    fail('UNSUPPORTED_OP', 'avgPool2dGrad: the reference kernel is not written yet', { op: 'avgPool2dGrad' }),
  vjp: null,
});
