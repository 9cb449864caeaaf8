import type { Tensor } from '../builder.js';
import type { Coords } from './box-ops.js';

/** torchvision.ops' default eps of the IoU losses. */
export const IOU_LOSS_EPS = 1e-7;

/**
 * Intersection and union of box pairs (elementwise, point form), as torchvision.ops._loss_inter_union:
 * the intersection is 0 unless both its width and height are positive.
 */
function interUnion(p: Coords, g: Coords): { inter: Tensor; union: Tensor } {
  const [x1, y1, x2, y2] = p as [Tensor, Tensor, Tensor, Tensor];
  const [x1g, y1g, x2g, y2g] = g as [Tensor, Tensor, Tensor, Tensor];
  const iw = x2.minimum(x2g).sub(x1.maximum(x1g));
  const ih = y2.minimum(y2g).sub(y1.maximum(y1g));
  const inter = x1.builder.where(iw.greater(0).and(ih.greater(0)), iw.mul(ih), 0);
  const union = x2
    .sub(x1)
    .mul(y2.sub(y1))
    .add(x2g.sub(x1g).mul(y2g.sub(y1g)))
    .sub(inter);
  return { inter, union };
}

/** Width and height of the smallest box enclosing each pair. */
function enclosing(p: Coords, g: Coords): { w: Tensor; h: Tensor } {
  const [x1, y1, x2, y2] = p as [Tensor, Tensor, Tensor, Tensor];
  const [x1g, y1g, x2g, y2g] = g as [Tensor, Tensor, Tensor, Tensor];
  return { w: x2.maximum(x2g).sub(x1.minimum(x1g)), h: y2.maximum(y2g).sub(y1.minimum(y1g)) };
}

/** torchvision.ops.generalized_box_iou_loss, per pair: 1 - IoU + (area_c - union) / (area_c + eps). */
export function giouLoss(p: Coords, g: Coords, eps = IOU_LOSS_EPS): Tensor {
  const { inter, union } = interUnion(p, g);
  const iou = inter.div(union.add(eps));
  const c = enclosing(p, g);
  const areaC = c.w.mul(c.h);
  return iou
    .sub(areaC.sub(union).div(areaC.add(eps)))
    .neg()
    .add(1);
}

/** torchvision's _diou_iou_loss, per pair: (1 - IoU + centre distance² / (enclosing diagonal² + eps), IoU). */
function diouAndIou(p: Coords, g: Coords, eps: number): { loss: Tensor; iou: Tensor } {
  const [x1, y1, x2, y2] = p as [Tensor, Tensor, Tensor, Tensor];
  const [x1g, y1g, x2g, y2g] = g as [Tensor, Tensor, Tensor, Tensor];
  const { inter, union } = interUnion(p, g);
  const iou = inter.div(union.add(eps));
  const c = enclosing(p, g);
  const diagonal = c.w.square().add(c.h.square()).add(eps);
  const dx = x2.add(x1).mul(0.5).sub(x1g.add(x2g).mul(0.5));
  const dy = y2.add(y1).mul(0.5).sub(y1g.add(y2g).mul(0.5));
  return { loss: iou.neg().add(1).add(dx.square().add(dy.square()).div(diagonal)), iou };
}

/** torchvision.ops.distance_box_iou_loss, per pair. */
export function diouLoss(p: Coords, g: Coords, eps = IOU_LOSS_EPS): Tensor {
  return diouAndIou(p, g, eps).loss;
}

/**
 * torchvision.ops.complete_box_iou_loss, per pair: DIoU + alpha v, with v = 4/pi² (atan(wg/hg) - atan(w/h))²
 * and alpha = v / (1 - IoU + v + eps) held constant (torchvision computes it under no_grad).
 */
export function ciouLoss(p: Coords, g: Coords, eps = IOU_LOSS_EPS): Tensor {
  const [x1, y1, x2, y2] = p as [Tensor, Tensor, Tensor, Tensor];
  const [x1g, y1g, x2g, y2g] = g as [Tensor, Tensor, Tensor, Tensor];
  const { loss: diou, iou } = diouAndIou(p, g, eps);
  const aspect = x2g
    .sub(x1g)
    .div(y2g.sub(y1g))
    .atan()
    .sub(x2.sub(x1).div(y2.sub(y1)).atan());
  const v = aspect.square().mul(4 / Math.PI ** 2);
  const alpha = v.div(iou.neg().add(1).add(v).add(eps)).stopGradient();
  return diou.add(alpha.mul(v));
}
