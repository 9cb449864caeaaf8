import { fail } from '../errors.js';
import { allocate } from '../ir/tensor-data.js';
import { convAttrs, spatialSize } from './conv2d.js';
import { defineOp } from './define.js';
import { two } from './operands.js';
import { forEachConvTap } from './window-kernels.js';
import { checkConvAttrs, expectImage, expectNumeric4, windowOutShape } from './window-rules.js';

/** the input gradient of conv2d: (dy, w) -> dx (see ir/ops.ts). */
export const conv2dBackpropInput = defineOp<'conv2dBackpropInput', 2>({
  arity: 2,
  rule: (inputs, a) => {
    checkConvAttrs('conv2dBackpropInput', a);
    const [dy, w] = two('conv2dBackpropInput', inputs);
    const [n, o, ho, wo] = expectImage('conv2dBackpropInput', dy, 'dy');
    const [ow, cg, kh, kw] = expectNumeric4('conv2dBackpropInput', w, 'w');
    const [eh, ew] = windowOutShape('conv2dBackpropInput', a.inputSize, [kh, kw], a);
    if (o !== ow || ow % a.group !== 0 || eh !== ho || ew !== wo) {
      fail(
        'INVALID_GRAPH',
        `conv2dBackpropInput: dy [${String(n)}, ${String(o)}, ${ho}, ${wo}] does not fit w and inputSize`,
      );
    }
    return [{ dtype: 'float32', shape: [n, cg * a.group, ...a.inputSize] }];
  },
  kernel: (inputs, a) => {
    const [dy, w] = two('conv2dBackpropInput', inputs);
    const [n = 0, cout = 0, ho = 0, wo = 0] = dy.shape;
    const [, cg = 0, kh = 0, kw = 0] = w.shape;
    const [h, wd] = a.inputSize;
    const cin = cg * a.group;
    const dx = allocate('float32', n * cin * h * wd);
    const gs = dy.data;
    const ws = w.data;
    forEachConvTap({ n, cin, h, w: wd, cout, ho, wo, kh, kw, attrs: a }, (xAt, wAt, yAt) => {
      dx[xAt] = (dx[xAt] ?? 0) + (gs[yAt] ?? 0) * (ws[wAt] ?? 0);
    });
    return [{ dtype: 'float32', shape: [n, cin, h, wd], data: dx }];
  },
  // linear in each input: its adjoints are conv2d (for dy) and conv2dBackpropFilter (for w)
  vjp: ({ inputs, grads: [g], attrs }) => {
    if (g === undefined) return [undefined, undefined];
    const [dy, w] = two('conv2dBackpropInput', inputs);
    const b = g.builder;
    const [ddy] = b.apply('conv2d', [g, w], convAttrs(attrs));
    const [dw] = b.apply('conv2dBackpropFilter', [g, dy], { ...convAttrs(attrs), kernelSize: spatialSize(w.shape) });
    return [ddy, dw];
  },
});
