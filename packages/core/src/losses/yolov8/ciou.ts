import type { Tensor } from '../../builder.js';

/** Ultralytics' eps of bbox_iou. */
export const ULTRALYTICS_IOU_EPS = 1e-7;

/**
 * Ultralytics' CIoU (metrics.bbox_iou with CIoU=True, boxes as x1, y1, x2, y2), elementwise with
 * broadcasting. It differs from torchvision's form (boxes/iou-losses.ts) in where eps goes: every height
 * is y2 - y1 + eps, the union gets + eps and the intersection clamps width and height at 0 separately.
 * CIoU = IoU - rho²/c² - alpha v, with v = 4/pi² (atan(w2/h2) - atan(w1/h1))² and
 * alpha = v / (v - IoU + 1 + eps) held constant (Ultralytics computes it under no_grad).
 */
export function ultralyticsCiou(a: readonly Tensor[], b: readonly Tensor[], eps = ULTRALYTICS_IOU_EPS): Tensor {
  const [x1, y1, x2, y2] = a as [Tensor, Tensor, Tensor, Tensor];
  const [x1b, y1b, x2b, y2b] = b as [Tensor, Tensor, Tensor, Tensor];
  const w1 = x2.sub(x1);
  const h1 = y2.sub(y1).add(eps);
  const w2 = x2b.sub(x1b);
  const h2 = y2b.sub(y1b).add(eps);
  const iw = x2.minimum(x2b).sub(x1.maximum(x1b)).maximum(0);
  const ih = y2.minimum(y2b).sub(y1.maximum(y1b)).maximum(0);
  const inter = iw.mul(ih);
  const union = w1.mul(h1).add(w2.mul(h2)).sub(inter).add(eps);
  const iou = inter.div(union);
  const cw = x2.maximum(x2b).sub(x1.minimum(x1b));
  const ch = y2.maximum(y2b).sub(y1.minimum(y1b));
  const c2 = cw.square().add(ch.square()).add(eps);
  const dx = x1b.add(x2b).sub(x1).sub(x2);
  const dy = y1b.add(y2b).sub(y1).sub(y2);
  const rho2 = dx.square().add(dy.square()).mul(0.25);
  const v = w2
    .div(h2)
    .atan()
    .sub(w1.div(h1).atan())
    .square()
    .mul(4 / Math.PI ** 2);
  const alpha = v.div(v.sub(iou).add(1 + eps)).stopGradient();
  return iou.sub(rho2.div(c2).add(v.mul(alpha)));
}
