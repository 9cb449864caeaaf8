import type { Tensor } from '../builder.js';
import { allocate, type TensorData } from '../ir/tensor-data.js';
import { axisSplit } from './kernel-util.js';

/** The k largest (or smallest) along `axis` with int32 indices; ties keep the lower index first. */
export function topkKernel(x: TensorData, k: number, axis: number, largest: boolean): TensorData[] {
  const { outer, size, inner } = axisSplit(x.shape, axis);
  const vals = allocate(x.dtype, outer * k * inner);
  const inds = allocate('int32', outer * k * inner);
  const order = new Array<number>(size);
  const lane = new Array<number>(size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let j = 0; j < size; j++) {
        order[j] = j;
        lane[j] = x.data[(o * size + j) * inner + i]!;
      }
      order.sort((a, b) => (largest ? lane[b]! - lane[a]! : lane[a]! - lane[b]!) || a - b);
      for (let j = 0; j < k; j++) {
        vals[(o * k + j) * inner + i] = lane[order[j]!]!;
        inds[(o * k + j) * inner + i] = order[j]!;
      }
    }
  }
  const shape = x.shape.map((d, i) => (i === axis ? k : d));
  return [
    { dtype: x.dtype, shape, data: vals },
    { dtype: 'int32', shape: [...shape], data: inds },
  ];
}

/** Gradient of selected values: each goes back to the position it came from. */
export function selectedValuesVjp(
  x: Tensor,
  indices: Tensor,
  g: Tensor | undefined,
  axis: number,
): (Tensor | undefined)[] {
  if (g === undefined) return [undefined];
  return [g.builder.scalar(0).expand(x.shape).scatterElements(indices, g, axis, 'add')];
}
