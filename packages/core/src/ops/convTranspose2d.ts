import { fail } from '../errors.js';
import { allocate } from '../ir/tensor-data.js';
import { convAttrs, spatialSize } from './conv2d.js';
import { defineOp } from './define.js';
import { two } from './operands.js';
import { forEachConvTap } from './window-kernels.js';
import { checkConvAttrs, expectImage, expectNumeric4 } from './window-rules.js';

/**
 * convTranspose2d(x, w): the transpose of conv2d (ONNX ConvTranspose), NCHW (see ir/ops.ts). It is the input
 * gradient of a conv2d from y back to x, with w read as that conv's [C, O/group, kH, kW] weight; so its
 * gradients are that conv2d (for x) and its filter gradient (for w).
 */
export const convTranspose2d = defineOp<'convTranspose2d', 2>({
  arity: 2,
  rule: (inputs, a) => {
    checkConvAttrs('convTranspose2d', a);
    const [x, w] = two('convTranspose2d', inputs);
    const [n, c, h, wd] = expectImage('convTranspose2d', x, 'x');
    const [cw, og, kh, kw] = expectNumeric4('convTranspose2d', w, 'w');
    if (c !== cw || cw % a.group !== 0) {
      fail('INVALID_GRAPH', `convTranspose2d: x has ${String(c)} channels, w has ${cw} (group ${a.group})`);
    }
    // below the stride, the conv2d that reads y back gives exactly x's size (the gradient relies on it)
    if (!a.outputPadding.every((p, i) => Number.isInteger(p) && p >= 0 && p < (a.strides[i] ?? 1))) {
      fail('INVALID_GRAPH', `convTranspose2d: outputPadding [${a.outputPadding}] must be below strides [${a.strides}]`);
    }
    const size = (len: number, k: number, s: number, d: number, pb: number, pe: number, op: number) =>
      (len - 1) * s - pb - pe + d * (k - 1) + op + 1;
    const [pt = 0, pl = 0, pb = 0, pr = 0] = a.pads;
    const ho = size(h, kh, a.strides[0], a.dilations[0], pt, pb, a.outputPadding[0]);
    const wo = size(wd, kw, a.strides[1], a.dilations[1], pl, pr, a.outputPadding[1]);
    if (ho < 1 || wo < 1) fail('INVALID_GRAPH', `convTranspose2d: empty output ${ho} x ${wo}`);
    return [{ dtype: 'float32', shape: [n, og * a.group, ho, wo] }];
  },
  kernel: (inputs, a) => {
    const [x, w] = two('convTranspose2d', inputs);
    const [n = 0, c = 0, h = 0, wd = 0] = x.shape;
    const [, og = 0, kh = 0, kw = 0] = w.shape;
    const [pt, pl, pb, pr] = a.pads;
    const ho = (h - 1) * a.strides[0] - pt - pb + a.dilations[0] * (kh - 1) + a.outputPadding[0] + 1;
    const wo = (wd - 1) * a.strides[1] - pl - pr + a.dilations[1] * (kw - 1) + a.outputPadding[1] + 1;
    const cout = og * a.group;
    const y = allocate('float32', n * cout * ho * wo);
    const xs = x.data;
    const ws = w.data;
    // the conv2d from y [n, cout, ho, wo] to x [n, c, h, w], each of its products added backwards
    forEachConvTap({ n, cin: cout, h: ho, w: wo, cout: c, ho: h, wo: wd, kh, kw, attrs: a }, (yAt, wAt, xAt) => {
      y[yAt] = (y[yAt] ?? 0) + (xs[xAt] ?? 0) * (ws[wAt] ?? 0);
    });
    return [{ dtype: 'float32', shape: [n, cout, ho, wo], data: y }];
  },
  vjp: ({ inputs, grads: [g], attrs }) => {
    if (g === undefined) return [undefined, undefined];
    const [x, w] = two('convTranspose2d', inputs);
    const b = g.builder;
    const [dx] = b.apply('conv2d', [g, w], convAttrs(attrs));
    const [dw] = b.apply('conv2dBackpropFilter', [g, x], { ...convAttrs(attrs), kernelSize: spatialSize(w.shape) });
    return [dx, dw];
  },
});
