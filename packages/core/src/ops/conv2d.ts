import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { checkConvAttrs, expectImage, expectNumeric4, windowOutShape } from './window-rules.js';

/** conv2d(x, w): 2-D convolution, NCHW (see ir/ops.ts). */
export const conv2d = defineOp<'conv2d'>({
  arity: 2,
  rule: ([x, w], a) => {
    checkConvAttrs('conv2d', a);
    const [n, c, h, wd] = expectImage('conv2d', x!, 'x');
    const [o, cg, kh, kw] = expectNumeric4('conv2d', w!, 'w');
    if (c !== cg * a.group || o % a.group !== 0) {
      fail('INVALID_GRAPH', `conv2d: x has ${String(c)} channels, w [${o}, ${cg}, ${kh}, ${kw}] with group ${a.group}`);
    }
    return [{ dtype: 'float32', shape: [n, o, ...windowOutShape('conv2d', [h, wd], [kh, kw], a)] }];
  },
  kernel: () => fail('UNSUPPORTED_OP', 'conv2d: the reference kernel is not written yet', { op: 'conv2d' }),
  vjp: null,
});
