import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { checkPoolAttrs, expectImage, windowOutShape } from './window-rules.js';

/** average pooling over 2-D windows (see ir/ops.ts). */
export const avgPool2d = defineOp<'avgPool2d'>({
  arity: 1,
  rule: ([x], a) => {
    checkPoolAttrs('avgPool2d', a);
    const [n, c, h, w] = expectImage('avgPool2d', x!, 'x');
    return [{ dtype: 'float32', shape: [n, c, ...windowOutShape('avgPool2d', [h, w], a.kernelSize, a, a.ceilMode)] }];
  },
  kernel: () => fail('UNSUPPORTED_OP', 'avgPool2d: the reference kernel is not written yet', { op: 'avgPool2d' }),
  vjp: null,
});
