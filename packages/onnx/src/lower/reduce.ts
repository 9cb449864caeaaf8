import type { LoweringTable } from './context.js';

/** Reductions and scans. Axes are inputs (int64) at opset 18; an empty axis list reduces nothing. */
export const REDUCE = {
  reduceSum: (c) => {
    const { axes, keepDims } = c.attrs;
    if (axes.length === 0) return c.alias(0, c.inputs[0]!);
    c.e.op('ReduceSum', [c.inputs[0]!, c.e.int64s(axes)], c.out(0), { keepdims: keepDims ? 1 : 0 });
  },
  reduceMax: (c) => {
    const { axes, keepDims } = c.attrs;
    if (axes.length === 0) return c.alias(0, c.inputs[0]!);
    c.e.op('ReduceMax', [c.inputs[0]!, c.e.int64s(axes)], c.out(0), { keepdims: keepDims ? 1 : 0 });
  },
  // ONNX ArgMax gives int64; select_last_index 0 is the IR's tie rule (lowest index)
  argMax: (c) => {
    const idx = c.e.op('ArgMax', c.inputs, 'int64', { axis: c.attrs.axis, keepdims: c.attrs.keepDims ? 1 : 0, select_last_index: 0 });
    c.e.cast(idx, 'int32', c.out(0).name);
  },
  logSoftmax: (c) => {
    c.e.op('LogSoftmax', c.inputs, c.out(0), { axis: c.attrs.axis });
  },
  cumsum: (c) => {
    const { axis, exclusive, reverse } = c.attrs;
    c.e.op('CumSum', [c.inputs[0]!, c.e.scalar('int64', axis)], c.out(0), { exclusive: exclusive ? 1 : 0, reverse: reverse ? 1 : 0 });
  },
} satisfies Partial<LoweringTable>;
