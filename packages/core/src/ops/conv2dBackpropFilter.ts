import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { checkConvAttrs, expectImage, windowOutShape } from './window-rules.js';

/** the weight gradient of conv2d: (x, dy) -> dw (see ir/ops.ts). */
export const conv2dBackpropFilter = defineOp<'conv2dBackpropFilter'>({
  arity: 2,
  rule: ([x, dy], a) => {
    checkConvAttrs('conv2dBackpropFilter', a);
    const [, c, h, w] = expectImage('conv2dBackpropFilter', x!, 'x');
    const [, o, ho, wo] = expectImage('conv2dBackpropFilter', dy!, 'dy');
    const [eh, ew] = windowOutShape('conv2dBackpropFilter', [h, w], a.kernelSize, a);
    if (typeof c !== 'number' || typeof o !== 'number' || c % a.group !== 0 || eh !== ho || ew !== wo) {
      fail(
        'INVALID_GRAPH',
        `conv2dBackpropFilter: x and dy [${String(o)}, ${ho}, ${wo}] do not fit kernelSize and group`,
      );
    }
    return [{ dtype: 'float32', shape: [o, c / a.group, ...a.kernelSize] }];
  },
  kernel: () =>
    fail('UNSUPPORTED_OP', 'conv2dBackpropFilter: the reference kernel is not written yet', {
      op: 'conv2dBackpropFilter',
    }),
  vjp: null,
});
