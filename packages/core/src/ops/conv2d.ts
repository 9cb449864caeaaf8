import { fail } from '../errors.js';
import type { Conv2dAttrs } from '../ir/ops.js';
import { allocate } from '../ir/tensor-data.js';
import { defineOp } from './define.js';
import { two } from './operands.js';
import { forEachConvTap } from './window-kernels.js';
import { checkConvAttrs, expectImage, expectNumeric4, windowOutShape } from './window-rules.js';

/** The four conv attributes alone (the gradient ops add their own sizes to them). */
export function convAttrs({ strides, pads, dilations, group }: Conv2dAttrs): Conv2dAttrs {
  return { strides, pads, dilations, group };
}

/** The [height, width] of an NCHW value or OIHW weight whose spatial dims the shape rules made numeric. */
export function spatialSize(shape: readonly unknown[]): [number, number] {
  const [, , h, w] = shape;
  if (typeof h !== 'number' || typeof w !== 'number') fail('INVALID_GRAPH', `spatial dims [${shape}] are not numbers`);
  return [h, w];
}

/** conv2d(x, w): 2-D convolution, NCHW (see ir/ops.ts). */
export const conv2d = defineOp<'conv2d', 2>({
  arity: 2,
  rule: (inputs, a) => {
    checkConvAttrs('conv2d', a);
    const [x, w] = two('conv2d', inputs);
    const [n, c, h, wd] = expectImage('conv2d', x, 'x');
    const [o, cg, kh, kw] = expectNumeric4('conv2d', w, 'w');
    if (c !== cg * a.group || o % a.group !== 0) {
      fail('INVALID_GRAPH', `conv2d: x has ${String(c)} channels, w [${o}, ${cg}, ${kh}, ${kw}] with group ${a.group}`);
    }
    return [{ dtype: 'float32', shape: [n, o, ...windowOutShape('conv2d', [h, wd], [kh, kw], a)] }];
  },
  kernel: (inputs, a) => {
    const [x, w] = two('conv2d', inputs);
    const [n = 0, cin = 0, h = 0, wd = 0] = x.shape;
    const [cout = 0, , kh = 0, kw = 0] = w.shape;
    const [ho, wo] = windowOutShape('conv2d', [h, wd], [kh, kw], a);
    const y = allocate('float32', n * cout * ho * wo);
    const xs = x.data;
    const ws = w.data;
    forEachConvTap({ n, cin, h, w: wd, cout, ho, wo, kh, kw, attrs: a }, (xAt, wAt, yAt) => {
      y[yAt] = (y[yAt] ?? 0) + (xs[xAt] ?? 0) * (ws[wAt] ?? 0);
    });
    return [{ dtype: 'float32', shape: [n, cout, ho, wo], data: y }];
  },
  vjp: ({ inputs, grads, attrs }) => {
    const [x, w] = two('conv2d', inputs);
    const [g] = grads;
    if (g === undefined) return [undefined, undefined];
    const b = g.builder;
    const [dx] = b.apply('conv2dBackpropInput', [g, w], { ...convAttrs(attrs), inputSize: spatialSize(x.shape) });
    const [dw] = b.apply('conv2dBackpropFilter', [x, g], { ...convAttrs(attrs), kernelSize: spatialSize(w.shape) });
    return [dx, dw];
  },
});
