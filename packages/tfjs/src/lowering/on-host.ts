import { dimAt } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../errors.js';

/**
 * Single-pass loops over host arrays, for backends whose tensors live in host memory (see
 * host-memory.ts), where the tfjs kernels for these ops index every element through shape arithmetic
 * (tfjs-cpu) or copy short runs one call each (tfjs-wasm's Slice) or run a slow Gather (tfjs-wasm).
 */

type HostArray = Float32Array | Int32Array | Uint8Array;

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

function read(t: tf.Tensor): HostArray {
  return t.dataSync() as HostArray;
}

const HOST_ARRAYS = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;

function alloc(like: HostArray, size: number): HostArray {
  return new (like.constructor as new (n: number) => HostArray)(size);
}

/** ONNX GatherElements (see flat-index.ts for the addressing); indices outside [0, dim) fail, as the IR requires. */
export function gatherElementsOnHost(x: tf.Tensor, idx: tf.Tensor, axis: number): tf.Tensor {
  const data = read(x);
  const at = read(idx) as Int32Array;
  const size = dimAt(x.shape, axis);
  const inner = product(x.shape.slice(axis + 1));
  const m = dimAt(idx.shape, axis);
  const outer = product(x.shape.slice(0, axis));
  const out = alloc(data, at.length);
  let k = 0;
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < inner; i++, k++) {
        const n = at[k]!;
        if (!(n >= 0 && n < size))
          fail('KERNEL_ERROR', `gatherElements: index ${n} out of range [0, ${size})`, { op: 'gatherElements' });
        out[k] = data[base + n * inner + i]!;
      }
    }
  }
  return tf.tensor(out, idx.shape, x.dtype);
}

/**
 * ONNX ScatterElements on host arrays: a copy of `data` (or `fill` everywhere, when the data is known to
 * be uniform: nothing to read) with `updates` written at `indices` along `axis`, duplicates summed
 * ('add'), the largest kept ('max'), or, with 'none', unique as the IR requires.
 */
export function scatterElementsOnHost(
  data: tf.Tensor,
  indices: HostArray,
  updates: HostArray,
  idxShape: readonly number[],
  axis: number,
  reduction: 'none' | 'add' | 'max',
  fill: number | undefined,
): tf.Tensor {
  const size = dimAt(data.shape, axis);
  const inner = product(data.shape.slice(axis + 1));
  const m = dimAt(idxShape, axis);
  const innerIdx = product(idxShape.slice(axis + 1));
  const out: HostArray =
    fill === undefined
      ? read(data).slice()
      : new HOST_ARRAYS[data.dtype as keyof typeof HOST_ARRAYS](data.size).fill(fill);
  const outerIdx = product(idxShape.slice(0, axis));
  let k = 0;
  for (let o = 0; o < outerIdx; o++) {
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < innerIdx; i++, k++) {
        const n = indices[k]!;
        if (!(n >= 0 && n < size))
          fail('KERNEL_ERROR', `scatterElements: index ${n} out of range [0, ${size})`, { op: 'scatterElements' });
        const dst = (o * size + n) * inner + i;
        const v = updates[k]!;
        out[dst] = reduction === 'add' ? out[dst]! + v : reduction === 'max' ? Math.max(out[dst]!, v) : v;
      }
    }
  }
  return tf.tensor(out, data.shape, data.dtype);
}

/** Batched row gather (the IR's gatherRows): out[b, j, ...] = data[b, idx[b, j], ...]; indices outside [0, N) fail. */
export function gatherRowsOnHost(data: tf.Tensor, idx: tf.Tensor): tf.Tensor {
  const src = read(data);
  const at = read(idx) as Int32Array;
  const [B, N] = data.shape as [number, number];
  const row = product(data.shape.slice(2));
  const perBatch = at.length / B;
  const out = alloc(src, at.length * row);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < perBatch; j++) {
      const n = at[b * perBatch + j]!;
      if (!(n >= 0 && n < N))
        fail('KERNEL_ERROR', `gatherRows: index ${n} out of range [0, ${N})`, { op: 'gatherRows' });
      const from = (b * N + n) * row;
      const to = (b * perBatch + j) * row;
      for (let r = 0; r < row; r++) out[to + r] = src[from + r]!;
    }
  }
  return tf.tensor(out, [...idx.shape, ...data.shape.slice(2)], data.dtype);
}

/** `width` entries of `axis` from `start`: one copy per run of width * inner elements. */
export function sliceOnHost(x: tf.Tensor, axis: number, start: number, width: number): tf.Tensor {
  const data = read(x);
  const size = dimAt(x.shape, axis);
  const inner = product(x.shape.slice(axis + 1));
  const outer = product(x.shape.slice(0, axis));
  const run = width * inner;
  const out = alloc(data, outer * run);
  for (let o = 0; o < outer; o++) {
    const from = (o * size + start) * inner;
    if (run > 16) out.set(data.subarray(from, from + run), o * run);
    else for (let i = 0; i < run; i++) out[o * run + i] = data[from + i]!;
  }
  return tf.tensor(
    out,
    x.shape.map((d, i) => (i === axis ? width : d)),
    x.dtype,
  );
}

/** `x` broadcast to `shape` (numpy rules): one fill or copy per run along the last axis. */
export function expandOnHost(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const data = read(x);
  const rank = shape.length;
  const padded = [...Array(rank - x.rank).fill(1), ...x.shape];
  // element strides of x along each output dim; 0 where x is stretched
  const strides = padded.map((d, i) => (d === 1 ? 0 : product(padded.slice(i + 1))));
  const out = alloc(data, product(shape));
  const last = rank === 0 ? 1 : shape[rank - 1]!;
  const lastStride = rank === 0 ? 0 : strides[rank - 1]!;
  const at = new Array<number>(rank).fill(0);
  let base = 0;
  for (let k = 0; k < out.length; k += last) {
    if (lastStride === 0) out.fill(data[base]!, k, k + last);
    else out.set(data.subarray(base, base + last), k);
    for (let d = rank - 2; d >= 0; d--) {
      base += strides[d]!;
      if (++at[d]! < shape[d]!) break;
      base -= strides[d]! * shape[d]!;
      at[d] = 0;
    }
  }
  return tf.tensor(out, [...shape], x.dtype);
}
