import type { Tensor } from '../builder.js';
import { sizeOf, stridesOf } from '../ir/shape.js';
import { allocate, type TensorData } from '../ir/tensor-data.js';
import type { DType } from '../ir/types.js';

/** Output shape (keepDims form and requested form) of reducing `axes`. */
export function reduceShapes(shape: readonly number[], axes: readonly number[], keepDims: boolean) {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return { kept, out: keepDims ? kept : shape.filter((_, i) => !axes.includes(i)) };
}

/** Folds every element of `x` into its reduced slot with `combine`, starting from `init`. */
export function reduceKernel(
  x: TensorData,
  axes: readonly number[],
  keepDims: boolean,
  outDtype: DType,
  init: number,
  combine: (acc: number, v: number) => number,
): TensorData {
  const { kept, out } = reduceShapes(x.shape, axes, keepDims);
  const res = allocate(outDtype, sizeOf(kept)).fill(init);
  const keptStrides = stridesOf(kept).map((s, i) => (axes.includes(i) ? 0 : s));
  const rank = x.shape.length;
  const idx = new Array<number>(rank).fill(0);
  let o = 0;
  for (let i = 0; i < x.data.length; i++) {
    res[o] = combine(res[o]!, x.data[i]!);
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax]!++;
      o += keptStrides[ax]!;
      if (idx[ax]! < x.shape[ax]!) break;
      o -= keptStrides[ax]! * x.shape[ax]!;
      idx[ax] = 0;
    }
  }
  return { dtype: outDtype, shape: out, data: res };
}

/** Re-inserts reduced axes (as size 1) into a reduction result that dropped them. */
export function keepReducedDims(t: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
  if (keepDims) return t;
  let r = t;
  for (const a of [...axes].sort((p, q) => p - q)) r = r.unsqueeze(a);
  return r;
}
