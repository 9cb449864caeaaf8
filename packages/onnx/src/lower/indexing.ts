import type { Dim } from '@lossgraph/core';
import type { LoweringContext, LoweringTable } from './context.js';

/**
 * TopK with sorted=1: onnxruntime orders equal values by lower index first (the ONNX spec's rule and the
 * IR's). Indices come back int64 and are cast to the IR's int32.
 */
function topK(c: LoweringContext<'topk' | 'sort'>, k: Dim, axis: number, largest: boolean): void {
  const e = c.e;
  const [, indices] = e.node('TopK', [c.inputs[0]!, e.dim1d(k)], [c.out(0), 'int64'], { axis, largest: largest ? 1 : 0, sorted: 1 });
  e.cast(indices!, 'int32', c.out(1).name);
}

/** Indexing ops. Gather, GatherElements and ScatterElements take the IR's int32 indices directly. */
export const INDEXING = {
  gather: (c) => {
    c.e.op('Gather', c.inputs, c.out(0), { axis: c.attrs.axis });
  },
  gatherElements: (c) => {
    c.e.op('GatherElements', c.inputs, c.out(0), { axis: c.attrs.axis });
  },
  // reduction 'none' needs unique indices (the IR's rule), 'add' sums duplicates (opset 16+)
  scatterElements: (c) => {
    c.e.op('ScatterElements', c.inputs, c.out(0), { axis: c.attrs.axis, reduction: c.attrs.reduction });
  },
  topk: (c) => topK(c, c.attrs.k, c.attrs.axis, c.attrs.largest),
  // a full sort is TopK with k = the axis size
  sort: (c) => topK(c, c.inputTypes[0]!.shape[c.attrs.axis]!, c.attrs.axis, c.attrs.descending),
  oneHot: (c) => {
    const e = c.e;
    const offOn = e.constant('float32', [2], [0, 1]);
    e.op('OneHot', [c.inputs[0]!, e.dimScalar(c.attrs.depth, 'int32'), offOn], c.out(0), { axis: -1 });
  },
} satisfies Partial<LoweringTable>;
