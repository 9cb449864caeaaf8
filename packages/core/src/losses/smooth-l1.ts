import type { Tensor } from '../builder.js';

/** SmoothL1 with beta 1, elementwise: d²/2 where |d| < 1, else |d| - 1/2. */
export function smoothL1(d: Tensor): Tensor {
  const ad = d.abs();
  return d.builder.where(ad.less(1), d.mul(d).mul(0.5), ad.sub(0.5));
}
