import { fail } from '../errors.js';
import { at } from '../ir/at.js';
import { dimAt, sizeOf, stridesOf } from '../ir/shape.js';
import { allocate, type TensorData, type TypedData } from '../ir/tensor-data.js';
import type { DType } from '../ir/types.js';

/** Numeric broadcast of concrete shapes (the static rule already checked compatibility). */
export function broadcastConcrete(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d === 1) continue;
      if (dim !== 1 && dim !== d)
        fail('SHAPE_MISMATCH', `cannot broadcast ${shapes.map((x) => `[${x}]`).join(' and ')}`);
      dim = d;
    }
    out.push(dim);
  }
  return out;
}

/** Strides of `shape` seen from a broadcast output of rank `rank`: 0 on stretched or missing axes. */
function alignedStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const off = outShape.length - shape.length;
  return outShape.map((_, i) => (i < off || shape[i - off] === 1 ? 0 : at(own, i - off)));
}

/** Applies `fn` elementwise over broadcast inputs. */
export function mapBroadcast(
  inputs: readonly TensorData[],
  outDtype: DType,
  fn: (...v: number[]) => number,
): TensorData {
  const outShape = broadcastConcrete(inputs.map((t) => t.shape));
  const n = sizeOf(outShape);
  const out = allocate(outDtype, n);
  const datas = inputs.map((t) => t.data);
  if (inputs.every((t) => sizeOf(t.shape) === n)) {
    const vals = new Array<number>(inputs.length);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < datas.length; k++) vals[k] = datas[k]![i]!;
      out[i] = fn(...vals);
    }
    return { dtype: outDtype, shape: outShape, data: out };
  }
  const strides = inputs.map((t) => alignedStrides(t.shape, outShape));
  const rank = outShape.length;
  const idx = new Array<number>(rank).fill(0);
  const offs = new Array<number>(inputs.length).fill(0);
  const vals = new Array<number>(inputs.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < datas.length; k++) vals[k] = datas[k]![offs[k]!]!;
    out[i] = fn(...vals);
    // odometer step, keeping every input offset in sync
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax]!++;
      for (let k = 0; k < offs.length; k++) offs[k]! += strides[k]![ax]!;
      if (idx[ax]! < outShape[ax]!) break;
      for (let k = 0; k < offs.length; k++) offs[k]! -= strides[k]![ax]! * outShape[ax]!;
      idx[ax] = 0;
    }
  }
  return { dtype: outDtype, shape: outShape, data: out };
}

export function mapUnary(x: TensorData, outDtype: DType, fn: (v: number) => number): TensorData {
  const out = allocate(outDtype, x.data.length);
  let i = 0;
  for (const v of x.data) out[i++] = fn(v);
  return { dtype: outDtype, shape: [...x.shape], data: out };
}

/** Splits a shape around `axis` into (outer, axis size, inner) for axis-wise kernels. */
export function axisSplit(shape: readonly number[], axis: number): { outer: number; size: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, axis)), size: dimAt(shape, axis), inner: sizeOf(shape.slice(axis + 1)) };
}

/** Rounds a value into the int32 range the way a C cast does (truncation toward zero). */
export function toInt32(v: number): number {
  return Math.trunc(v) | 0;
}

export function copyData(d: TypedData): TypedData {
  return d.slice();
}

export function checkIndex(i: number, size: number, op: string): number {
  if (!(i >= 0 && i < size)) fail('KERNEL_ERROR', `${op}: index ${i} out of range [0, ${size})`);
  return i;
}
