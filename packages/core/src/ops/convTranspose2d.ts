import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { checkConvAttrs, expectImage, expectNumeric4 } from './window-rules.js';

/** convTranspose2d(x, w): the transpose of conv2d (ONNX ConvTranspose), NCHW (see ir/ops.ts). */
export const convTranspose2d = defineOp<'convTranspose2d'>({
  arity: 2,
  rule: ([x, w], a) => {
    checkConvAttrs('convTranspose2d', a);
    const [n, c, h, wd] = expectImage('convTranspose2d', x!, 'x');
    const [cw, og, kh, kw] = expectNumeric4('convTranspose2d', w!, 'w');
    if (c !== cw || cw % a.group !== 0) {
      fail('INVALID_GRAPH', `convTranspose2d: x has ${String(c)} channels, w has ${cw} (group ${a.group})`);
    }
    const size = (len: number, k: number, s: number, d: number, pb: number, pe: number, op: number) =>
      (len - 1) * s - pb - pe + d * (k - 1) + op + 1;
    const [pt = 0, pl = 0, pb = 0, pr = 0] = a.pads;
    const ho = size(h, kh, a.strides[0], a.dilations[0], pt, pb, a.outputPadding[0]);
    const wo = size(wd, kw, a.strides[1], a.dilations[1], pl, pr, a.outputPadding[1]);
    if (ho < 1 || wo < 1) fail('INVALID_GRAPH', `convTranspose2d: empty output ${ho} x ${wo}`);
    return [{ dtype: 'float32', shape: [n, og * a.group, ho, wo] }];
  },
  kernel: () =>
    fail('UNSUPPORTED_OP', 'convTranspose2d: the reference kernel is not written yet', { op: 'convTranspose2d' }),
  vjp: null,
});
