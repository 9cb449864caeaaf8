import type { Tensor } from '../builder.js';
import type { Coords } from './box-ops.js';

/** Weights (wx, wy, ww, wh) of a box coder: variances (v0, v1) give (1/v0, 1/v0, 1/v1, 1/v1); torchvision's default is (1, 1, 1, 1). */
export type BoxCoderWeights = readonly [number, number, number, number];

/** torchvision's default clamp of the decoded dw, dh: exp never exceeds 1000/16 times the reference size. */
export const BBOX_XFORM_CLIP = Math.log(1000 / 16);

/**
 * torchvision's BoxCoder.encode_single: boxes (x1, y1, x2, y2) as offsets from reference boxes given
 * in centre form (cx, cy, w, h): wx (bcx - cx) / w, wy (bcy - cy) / h, ww log(bw / w), wh log(bh / h),
 * with bcx = x1 + bw / 2. Shapes broadcast.
 */
export function encodeBoxes(
  boxes: Coords,
  reference: Coords,
  weights: BoxCoderWeights,
): [Tensor, Tensor, Tensor, Tensor] {
  const [x1, y1, x2, y2] = boxes;
  const [cx, cy, w, h] = reference;
  const [wx, wy, ww, wh] = weights;
  const bw = x2.sub(x1);
  const bh = y2.sub(y1);
  return [
    x1.add(bw.mul(0.5)).sub(cx).mul(wx).div(w),
    y1.add(bh.mul(0.5)).sub(cy).mul(wy).div(h),
    bw.div(w).log().mul(ww),
    bh.div(h).log().mul(wh),
  ];
}

/**
 * torchvision's BoxCoder.decode_single: offsets (dx, dy, dw, dh) applied to reference boxes in centre
 * form, dw and dh clamped from above at `clip` (default log(1000/16)); returns (x1, y1, x2, y2).
 */
export function decodeBoxes(
  offsets: Coords,
  reference: Coords,
  weights: BoxCoderWeights,
  clip = BBOX_XFORM_CLIP,
): [Tensor, Tensor, Tensor, Tensor] {
  const [dx, dy, dw, dh] = offsets;
  const [cx, cy, w, h] = reference;
  const [wx, wy, ww, wh] = weights;
  const pcx = dx.div(wx).mul(w).add(cx);
  const pcy = dy.div(wy).mul(h).add(cy);
  // minimum passes the gradient to its first input on ties, as torch.clamp does at the bound
  const halfW = dw.div(ww).minimum(clip).exp().mul(w).mul(0.5);
  const halfH = dh.div(wh).minimum(clip).exp().mul(h).mul(0.5);
  return [pcx.sub(halfW), pcy.sub(halfH), pcx.add(halfW), pcy.add(halfH)];
}
