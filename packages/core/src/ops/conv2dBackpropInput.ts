import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { checkConvAttrs, expectImage, expectNumeric4, windowOutShape } from './window-rules.js';

/** the input gradient of conv2d: (dy, w) -> dx (see ir/ops.ts). */
export const conv2dBackpropInput = defineOp<'conv2dBackpropInput'>({
  arity: 2,
  rule: ([dy, w], a) => {
    checkConvAttrs('conv2dBackpropInput', a);
    const [n, o, ho, wo] = expectImage('conv2dBackpropInput', dy!, 'dy');
    const [ow, cg, kh, kw] = expectNumeric4('conv2dBackpropInput', w!, 'w');
    const [eh, ew] = windowOutShape('conv2dBackpropInput', a.inputSize, [kh, kw], a);
    if (o !== ow || eh !== ho || ew !== wo) {
      fail(
        'INVALID_GRAPH',
        `conv2dBackpropInput: dy [${String(n)}, ${String(o)}, ${ho}, ${wo}] does not fit w and inputSize`,
      );
    }
    return [{ dtype: 'float32', shape: [n, cg * a.group, ...a.inputSize] }];
  },
  kernel: () =>
    fail('UNSUPPORTED_OP', 'conv2dBackpropInput: the reference kernel is not written yet', {
      op: 'conv2dBackpropInput',
    }),
  vjp: null,
});
