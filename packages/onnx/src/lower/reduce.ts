import { dimAt } from '@lossgraph/core';
import type { LoweringContext, LoweringTable } from './context.js';
import { logSoftmax } from './webgpu.js';

/** argMax as min(where(x == max(x), index, size)) along the axis: the lowest index of the maximum. */
function lowestIndexOfMax(c: LoweringContext<'argMax'>): void {
  const e = c.e;
  const { axis, keepDims } = c.attrs;
  const x = c.inputs[0];
  const { shape } = c.inputTypes[0];
  const size = dimAt(shape, axis);
  const axes = e.int64s([axis]);
  const isMax = e.op('Equal', [x, e.op('ReduceMax', [x, axes], e.dtypeOf(x), { keepdims: 1 })], 'bool');
  let index = e.op('Range', [e.scalar('int32', 0), e.dimScalar(size, 'int32'), e.scalar('int32', 1)], 'int32');
  const trailing = shape.length - 1 - axis;
  if (trailing > 0)
    index = e.op('Unsqueeze', [index, e.int64s(Array.from({ length: trailing }, (_, i) => i + 1))], 'int32');
  const candidate = e.op('Where', [isMax, index, e.dimScalar(size, 'int32')], 'int32');
  e.op('ReduceMin', [candidate, axes], c.out(0), { keepdims: keepDims ? 1 : 0 });
}

/** Reductions and scans. Axes are inputs (int64) at opset 18; an empty axis list reduces nothing. */
export const REDUCE = {
  reduceSum: (c) => {
    const { axes, keepDims } = c.attrs;
    if (axes.length === 0) return c.alias(0, c.inputs[0]);
    c.e.op('ReduceSum', [c.inputs[0], c.e.int64s(axes)], c.out(0), { keepdims: keepDims ? 1 : 0 });
  },
  reduceMax: (c) => {
    const { axes, keepDims } = c.attrs;
    if (axes.length === 0) return c.alias(0, c.inputs[0]);
    c.e.op('ReduceMax', [c.inputs[0], c.e.int64s(axes)], c.out(0), { keepdims: keepDims ? 1 : 0 });
  },
  // ONNX ArgMax gives int64; select_last_index 0 is the IR's tie rule (lowest index). The CUDA
  // provider's ArgMax takes floats only, so int32 goes through the exact min-index-of-max form, and so
  // does everything on WebGPU, which cannot cast ArgMax's int64 to int32.
  argMax: (c) => {
    const { axis, keepDims } = c.attrs;
    if (c.inputTypes[0].dtype === 'int32' || c.e.webgpu) return lowestIndexOfMax(c);
    const idx = c.e.op('ArgMax', c.inputs, 'int64', { axis, keepdims: keepDims ? 1 : 0, select_last_index: 0 });
    c.e.cast(idx, 'int32', c.out(0).name);
  },
  logSoftmax: (c) => {
    logSoftmax(c.e, c.inputs[0], c.attrs.axis, c.out(0));
  },
  cumsum: (c) => {
    const { axis, exclusive, reverse } = c.attrs;
    c.e.op('CumSum', [c.inputs[0], c.e.scalar('int64', axis)], c.out(0), {
      exclusive: exclusive ? 1 : 0,
      reverse: reverse ? 1 : 0,
    });
  },
} satisfies Partial<LoweringTable>;
