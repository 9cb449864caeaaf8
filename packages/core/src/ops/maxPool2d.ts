import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { checkPoolAttrs, expectImage, windowOutShape } from './window-rules.js';

/** max pooling over 2-D windows (see ir/ops.ts). */
export const maxPool2d = defineOp<'maxPool2d'>({
  arity: 1,
  rule: ([x], a) => {
    checkPoolAttrs('maxPool2d', a);
    const [n, c, h, w] = expectImage('maxPool2d', x!, 'x');
    return [{ dtype: 'float32', shape: [n, c, ...windowOutShape('maxPool2d', [h, w], a.kernelSize, a, a.ceilMode)] }];
  },
  kernel: () => fail('UNSUPPORTED_OP', 'maxPool2d: the reference kernel is not written yet', { op: 'maxPool2d' }),
  vjp: null,
});
