import { fail } from '../errors.js';
import { allocate } from '../ir/tensor-data.js';
import { convAttrs, spatialSize } from './conv2d.js';
import { defineOp } from './define.js';
import { two } from './operands.js';
import { forEachConvTap } from './window-kernels.js';
import { checkConvAttrs, expectImage, windowOutShape } from './window-rules.js';

/** the weight gradient of conv2d: (x, dy) -> dw (see ir/ops.ts). */
export const conv2dBackpropFilter = defineOp<'conv2dBackpropFilter', 2>({
  arity: 2,
  rule: (inputs, a) => {
    checkConvAttrs('conv2dBackpropFilter', a);
    const [x, dy] = two('conv2dBackpropFilter', inputs);
    const [, c, h, w] = expectImage('conv2dBackpropFilter', x, 'x');
    const [, o, ho, wo] = expectImage('conv2dBackpropFilter', dy, 'dy');
    const [eh, ew] = windowOutShape('conv2dBackpropFilter', [h, w], a.kernelSize, a);
    if (
      typeof c !== 'number' ||
      typeof o !== 'number' ||
      c % a.group !== 0 ||
      o % a.group !== 0 ||
      eh !== ho ||
      ew !== wo
    ) {
      fail(
        'INVALID_GRAPH',
        `conv2dBackpropFilter: x and dy [${String(o)}, ${ho}, ${wo}] do not fit kernelSize and group`,
      );
    }
    return [{ dtype: 'float32', shape: [o, c / a.group, ...a.kernelSize] }];
  },
  kernel: (inputs, a) => {
    const [x, dy] = two('conv2dBackpropFilter', inputs);
    const [n = 0, cin = 0, h = 0, wd = 0] = x.shape;
    const [, cout = 0, ho = 0, wo = 0] = dy.shape;
    const [kh, kw] = a.kernelSize;
    const cg = cin / a.group;
    const dw = allocate('float32', cout * cg * kh * kw);
    const xs = x.data;
    const gs = dy.data;
    forEachConvTap({ n, cin, h, w: wd, cout, ho, wo, kh, kw, attrs: a }, (xAt, wAt, yAt) => {
      dw[wAt] = (dw[wAt] ?? 0) + (xs[xAt] ?? 0) * (gs[yAt] ?? 0);
    });
    return [{ dtype: 'float32', shape: [cout, cg, kh, kw], data: dw }];
  },
  // linear in each input: its adjoints are conv2dBackpropInput (for x) and conv2d (for dy)
  vjp: ({ inputs, grads: [g], attrs }) => {
    if (g === undefined) return [undefined, undefined];
    const [x, dy] = two('conv2dBackpropFilter', inputs);
    const b = g.builder;
    const [dx] = b.apply('conv2dBackpropInput', [dy, g], { ...convAttrs(attrs), inputSize: spatialSize(x.shape) });
    const [ddy] = b.apply('conv2d', [x, g], convAttrs(attrs));
    return [dx, ddy];
  },
});
