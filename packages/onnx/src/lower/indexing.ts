import { at, type Dim, dimAt } from '@lossgraph/core';
import type { LoweringContext, LoweringTable } from './context.js';

/**
 * TopK with sorted=1: onnxruntime orders equal values by lower index first (the ONNX spec's rule and the
 * IR's). Indices come back int64 and are cast to the IR's int32.
 */
function topK(c: LoweringContext<'topk' | 'sort'>, k: Dim, axis: number, largest: boolean): void {
  const e = c.e;
  // a tensor k (int32 scalar) is TopK's K input as int64 [1]; a static one is a constant or a Shape read
  const [, kTensor] = c.inputs;
  const kInput =
    kTensor === undefined ? e.dim1d(k) : e.op('Reshape', [e.cast(kTensor, 'int64'), e.int64s([1])], 'int64');
  const indices = at(
    e.node('TopK', [c.inputs[0], kInput], [c.out(0), 'int64'], {
      axis,
      largest: largest ? 1 : 0,
      sorted: 1,
    }),
    1,
  );
  e.cast(indices, 'int32', c.out(1).name);
}

/**
 * gatherRows as GatherND with batch_dims 1 on indices [B, ..., 1] (int64, as GatherND requires). The CUDA
 * provider's GatherND has no int32 data, so int32 rows go through int64.
 */
function gatherRows(c: LoweringContext<'gatherRows'>): void {
  const e = c.e;
  const idx = e.op('Unsqueeze', [e.cast(c.inputs[1], 'int64'), e.int64s([c.inputTypes[1].shape.length])], 'int64');
  if (c.inputTypes[0].dtype !== 'int32') return void e.op('GatherND', [c.inputs[0], idx], c.out(0), { batch_dims: 1 });
  const rows = e.op('GatherND', [e.cast(c.inputs[0], 'int64'), idx], 'int64', { batch_dims: 1 });
  e.cast(rows, 'int32', c.out(0).name);
}

/**
 * Indexing ops. Gather, GatherElements and ScatterElements take the IR's int32 indices directly;
 * ScatterElements' reductions 'add' and 'max' are its opset-18 attribute values.
 */
export const INDEXING = {
  gather: (c) => {
    c.e.op('Gather', c.inputs, c.out(0), { axis: c.attrs.axis });
  },
  gatherRows,
  gatherElements: (c) => {
    c.e.op('GatherElements', c.inputs, c.out(0), { axis: c.attrs.axis });
  },
  // reduction 'none' needs unique indices (the IR's rule), 'add' sums duplicates (opset 16+), 'max' (opset 18)
  scatterElements: (c) => {
    c.e.op('ScatterElements', c.inputs, c.out(0), { axis: c.attrs.axis, reduction: c.attrs.reduction });
  },
  topk: (c) => topK(c, c.attrs.k, c.attrs.axis, c.attrs.largest),
  // a full sort is TopK with k = the axis size
  sort: (c) => topK(c, dimAt(c.inputTypes[0].shape, c.attrs.axis), c.attrs.axis, c.attrs.descending),
  oneHot: (c) => {
    const e = c.e;
    const offOn = e.constant('float32', [2], [0, 1]);
    e.op('OneHot', [c.inputs[0], e.dimScalar(c.attrs.depth, 'int32'), offOn], c.out(0), { axis: -1 });
  },
} satisfies Partial<LoweringTable>;
