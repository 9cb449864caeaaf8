import { type Dim, dimAt } from '@lossgraph/core';
import { ONNX_ELEM_TYPE } from '../dtypes.js';
import type { OnnxEmitter } from '../emitter.js';
import type { LoweringContext, LoweringTable } from './context.js';
import { indicesToInt32 } from './webgpu.js';

/**
 * TopK with sorted=1: onnxruntime orders equal values by lower index first (the ONNX spec's rule and the
 * IR's). Indices come back int64 and are cast to the IR's int32.
 */
function topK(c: LoweringContext<'topk' | 'sort'>, k: Dim, axis: number, largest: boolean): void {
  const e = c.e;
  // a tensor k (int32 scalar) is TopK's K input as int64 [1]; a static one is a constant or a Shape read
  // (unsqueezed before the cast: the WebGPU provider has no int64 Reshape)
  const kInput =
    c.inputs.length === 2 ? e.cast(e.op('Unsqueeze', [c.inputs[1]!, e.int64s([0])], 'int32'), 'int64') : e.dim1d(k);
  const [, indices] = e.node('TopK', [c.inputs[0], kInput], [c.out(0), 'int64'], {
    axis,
    largest: largest ? 1 : 0,
    sorted: 1,
  });
  indicesToInt32(e, indices!, c.inputTypes[0]!.shape[axis]!, c.out(1));
}

/**
 * gatherRows as GatherND with batch_dims 1 on indices [B, ..., 1] (int64, as GatherND requires). The CUDA
 * provider's GatherND has no int32 data, so int32 rows go through int64.
 */
function gatherRows(c: LoweringContext<'gatherRows'>): void {
  const e = c.e;
  // unsqueezed before the cast: the WebGPU provider has no int64 Unsqueeze
  const idx = e.cast(e.op('Unsqueeze', [c.inputs[1], e.int64s([c.inputTypes[1].shape.length])], 'int32'), 'int64');
  if (c.inputTypes[0].dtype !== 'int32') return void e.op('GatherND', [c.inputs[0], idx], c.out(0), { batch_dims: 1 });
  if (e.webgpu) {
    // no int64 GatherND data on WebGPU: the high and low 16 bits go as floats (see gatherInt32Elements)
    const { high, low, base } = int32Halves(e, c.inputs[0]);
    const pick = (part: string) =>
      e.cast(e.op('GatherND', [e.cast(part, 'float32'), idx], 'float32', { batch_dims: 1 }), 'int32');
    return void e.op('Add', [e.op('Mul', [pick(high), base], 'int32'), pick(low)], c.out(0));
  }
  const rows = e.op('GatherND', [e.cast(c.inputs[0], 'int64'), idx], 'int64', { batch_dims: 1 });
  e.cast(rows, 'int32', c.out(0).name);
}

/** int32 `x` as high · 65536 + low, both parts exact in float32 (|high| <= 32768, |low| < 65536). */
function int32Halves(e: OnnxEmitter, x: string): { high: string; low: string; base: string } {
  const base = e.scalar('int32', 65536);
  const high = e.op('Div', [x, base], 'int32');
  return { high, low: e.op('Sub', [x, e.op('Mul', [high, base], 'int32')], 'int32'), base };
}

/**
 * GatherElements of int32 data on WebGPU, whose kernel takes float data only: the high and low 16 bits
 * are gathered as floats (each exact) and put back together, so every int32 survives.
 */
function gatherInt32Elements(c: LoweringContext<'gatherElements'>): void {
  const e = c.e;
  const [data, indices] = c.inputs as [string, string];
  const { high, low, base } = int32Halves(e, data);
  const pick = (part: string) =>
    e.cast(e.op('GatherElements', [e.cast(part, 'float32'), indices], 'float32', { axis: c.attrs.axis }), 'int32');
  e.op('Add', [e.op('Mul', [pick(high), base], 'int32'), pick(low)], c.out(0));
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
    if (c.e.webgpu && c.inputTypes[0].dtype === 'int32') return gatherInt32Elements(c);
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
    if (e.webgpu) {
      // no OneHot kernel on WebGPU: index == 0..depth-1 along a new last axis
      const k = e.op(
        'Range',
        [e.scalar('int32', 0), e.dimScalar(c.attrs.depth, 'int32'), e.scalar('int32', 1)],
        'int32',
      );
      const index = e.op('Unsqueeze', [c.inputs[0], e.int64s([c.inputTypes[0].shape.length])], 'int32');
      e.op('Cast', [e.op('Equal', [index, k], 'bool')], c.out(0), { to: ONNX_ELEM_TYPE.float32 });
      return;
    }
    const offOn = e.constant('float32', [2], [0, 1]);
    e.op('OneHot', [c.inputs[0], e.dimScalar(c.attrs.depth, 'int32'), offOn], c.out(0), { axis: -1 });
  },
} satisfies Partial<LoweringTable>;
