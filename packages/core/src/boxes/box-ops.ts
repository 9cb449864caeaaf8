import type { Tensor } from '../builder.js';

/** The four coordinates of a box tensor, split off its last axis (each keeps the leading dims). */
export function coords(boxes: Tensor): [Tensor, Tensor, Tensor, Tensor] {
  const last = boxes.rank - 1;
  const c = (i: number) => boxes.slice(last, i, i + 1).squeeze(last);
  return [c(0), c(1), c(2), c(3)];
}

/** (cx, cy, w, h) -> (xmin, ymin, xmax, ymax), each coordinate separately. */
export function pointForm([cx, cy, w, h]: readonly Tensor[]): [Tensor, Tensor, Tensor, Tensor] {
  const hw = w!.mul(0.5);
  const hh = h!.mul(0.5);
  return [cx!.sub(hw), cy!.sub(hh), cx!.add(hw), cy!.add(hh)];
}

/**
 * Jaccard overlap (IoU) between truths [..., M] and priors [P] given as point-form coordinates:
 * returns [..., M, P]. The intersection clamps at 0.
 */
export function jaccard(truths: readonly Tensor[], priors: readonly Tensor[]): Tensor {
  const [tx1, ty1, tx2, ty2] = truths.map((t) => t.unsqueeze(t.rank));
  const [px1, py1, px2, py2] = priors;
  const iw = tx2!.minimum(px2!).sub(tx1!.maximum(px1!)).maximum(0);
  const ih = ty2!.minimum(py2!).sub(ty1!.maximum(py1!)).maximum(0);
  const inter = iw.mul(ih);
  const areaT = tx2!.sub(tx1!).mul(ty2!.sub(ty1!));
  const areaP = px2!.sub(px1!).mul(py2!.sub(py1!));
  return inter.div(areaT.add(areaP).sub(inter));
}

/**
 * SSD box encoding of matched truths (point form) against priors (cx, cy, w, h):
 * ((x1+x2)/2 - cx)/(v0 w), ((y1+y2)/2 - cy)/(v0 h), log((x2-x1)/w)/v1, log((y2-y1)/h)/v1.
 */
export function encode(matched: readonly Tensor[], priors: readonly Tensor[], variances: readonly [number, number]): Tensor[] {
  const [x1, y1, x2, y2] = matched;
  const [cx, cy, w, h] = priors;
  const [v0, v1] = variances;
  return [
    x1!.add(x2!).mul(0.5).sub(cx!).div(w!.mul(v0)),
    y1!.add(y2!).mul(0.5).sub(cy!).div(h!.mul(v0)),
    x2!.sub(x1!).div(w!).log().div(v1),
    y2!.sub(y1!).div(h!).log().div(v1),
  ];
}
