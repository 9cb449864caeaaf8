import { fail } from '../errors.js';
import type { Conv2dAttrs } from '../ir/ops.js';
import { allocate } from '../ir/tensor-data.js';
import { defineOp } from './define.js';
import { forEachConvTap } from './window-kernels.js';
import { checkConvAttrs, expectImage, expectNumeric4, windowOutShape } from './window-rules.js';

/** The four conv attributes alone (the gradient ops add their own sizes to them). */
export function convAttrs({ strides, pads, dilations, group }: Conv2dAttrs): Conv2dAttrs {
  return { strides, pads, dilations, group };
}

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
  kernel: ([x, w], a) => {
    const [n = 0, cin = 0, h = 0, wd = 0] = x!.shape;
    const [cout = 0, , kh = 0, kw = 0] = w!.shape;
    const [ho, wo] = windowOutShape('conv2d', [h, wd], [kh, kw], a);
    const y = allocate('float32', n * cout * ho * wo);
    const xs = x!.data;
    const ws = w!.data;
    forEachConvTap({ n, cin, h, w: wd, cout, ho, wo, kh, kw, attrs: a }, (xAt, wAt, yAt) => {
      y[yAt] = (y[yAt] ?? 0) + (xs[xAt] ?? 0) * (ws[wAt] ?? 0);
    });
    return [{ dtype: 'float32', shape: [n, cout, ho, wo], data: y }];
  },
  vjp: ({ inputs: [x, w], grads: [g], attrs }) => {
    const [, , h, wd] = x!.shape;
    const [, , kh, kw] = w!.shape;
    const b = g!.builder;
    const dx = b.apply('conv2dBackpropInput', [g!, w!], {
      ...convAttrs(attrs),
      inputSize: [h as number, wd as number],
    });
    const dw = b.apply('conv2dBackpropFilter', [x!, g!], {
      ...convAttrs(attrs),
      kernelSize: [kh as number, kw as number],
    });
    return [dx[0], dw[0]];
  },
});
