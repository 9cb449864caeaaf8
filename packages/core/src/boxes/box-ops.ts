import type { Tensor } from '../builder.js';
import { encodeBoxes } from './box-coder.js';

/** A box tensor split into its four coordinates, each with the leading dims. */
export type Coords = readonly [Tensor, Tensor, Tensor, Tensor];

/** The four coordinates of a box tensor, split off its last axis (each keeps the leading dims). */
export function coords(boxes: Tensor): [Tensor, Tensor, Tensor, Tensor] {
  const last = boxes.rank - 1;
  const c = (i: number) => boxes.slice(last, i, i + 1).squeeze(last);
  return [c(0), c(1), c(2), c(3)];
}

/** `f` of each coordinate. */
export function mapCoords(c: Coords, f: (t: Tensor) => Tensor): [Tensor, Tensor, Tensor, Tensor] {
  return [f(c[0]), f(c[1]), f(c[2]), f(c[3])];
}

/** Stacks four coordinates back into one box tensor (a new last axis of 4). */
export function stackCoords(c: Coords): Tensor {
  const rank = c[0].rank;
  return c[0].builder.concat(
    c.map((t) => t.unsqueeze(rank)),
    rank,
  );
}

/** (cx, cy, w, h) -> (xmin, ymin, xmax, ymax), each coordinate separately. */
export function pointForm([cx, cy, w, h]: Coords): [Tensor, Tensor, Tensor, Tensor] {
  const hw = w.mul(0.5);
  const hh = h.mul(0.5);
  return [cx.sub(hw), cy.sub(hh), cx.add(hw), cy.add(hh)];
}

/** (xmin, ymin, xmax, ymax) -> (cx, cy, w, h) as torchvision's BoxCoder computes it: w = x2 - x1, cx = x1 + w/2. */
export function centerForm([x1, y1, x2, y2]: Coords): [Tensor, Tensor, Tensor, Tensor] {
  const w = x2.sub(x1);
  const h = y2.sub(y1);
  return [x1.add(w.mul(0.5)), y1.add(h.mul(0.5)), w, h];
}

/**
 * Pairwise IoU (torchvision's box_iou, the SSD jaccard) between truths [..., M] and boxes [P] given as
 * point-form coordinates: returns [..., M, P]. The intersection's width and height clamp at 0.
 */
export function jaccard(truths: Coords, priors: Coords): Tensor {
  const [tx1, ty1, tx2, ty2] = mapCoords(truths, (t) => t.unsqueeze(t.rank));
  const [px1, py1, px2, py2] = priors;
  const iw = tx2.minimum(px2).sub(tx1.maximum(px1)).maximum(0);
  const ih = ty2.minimum(py2).sub(ty1.maximum(py1)).maximum(0);
  const inter = iw.mul(ih);
  const areaT = tx2.sub(tx1).mul(ty2.sub(ty1));
  const areaP = px2.sub(px1).mul(py2.sub(py1));
  return inter.div(areaT.add(areaP).sub(inter));
}

/**
 * SSD box encoding of matched truths (point form) against priors (cx, cy, w, h): the BoxCoder with
 * weights (1/v0, 1/v0, 1/v1, 1/v1), i.e. ((x1+x2)/2 - cx)/(v0 w), ..., log((x2-x1)/w)/v1, log((y2-y1)/h)/v1.
 */
export function encode(
  matched: Coords,
  priors: Coords,
  variances: readonly [number, number],
): [Tensor, Tensor, Tensor, Tensor] {
  const [v0, v1] = variances;
  return encodeBoxes(matched, priors, [1 / v0, 1 / v0, 1 / v1, 1 / v1]);
}
