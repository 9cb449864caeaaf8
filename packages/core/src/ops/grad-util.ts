import type { Tensor } from '../builder.js';
import type { Shape } from '../ir/types.js';

/** Sums a broadcast gradient back to the shape of the operand it flowed from. */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  const lead = g.shape.length - shape.length;
  let r = g;
  if (lead > 0) r = r.sum([...Array(lead).keys()], false);
  const axes = shape.flatMap((d, i) => (d === 1 && r.shape[i] !== 1 ? [i] : []));
  if (axes.length > 0) r = r.sum(axes, true);
  return r;
}
