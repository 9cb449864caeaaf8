import { dimAt } from '@lossgraph/core';
import type { LoweringContext, LoweringTable, OutputSlot } from './context.js';
import { logSoftmax } from './webgpu.js';

/**
 * Per-row cross entropy: -LogSoftmax(logits)[label] along the last axis. The label's entry is picked by
 * a Gather from the flattened log-probabilities at row * C + label (onnxruntime's CPU GatherElements
 * along the innermost axis is about 3x slower).
 */
function softmaxCrossEntropy(c: LoweringContext<'softmaxCrossEntropy'>): void {
  const e = c.e;
  const [logits, labels] = c.inputs as [string, string];
  const rowDims = c.inputTypes[1].shape;
  const logProbs = logSoftmax(e, logits, rowDims.length, 'float32');
  if (e.webgpu) {
    // GatherElements along the classes: no flat row index, whose Reshape needs an int64 shape
    const label = e.op('Unsqueeze', [labels, e.int64s([rowDims.length])], 'int32');
    const picked = e.op('GatherElements', [logProbs, label], 'float32', { axis: rowDims.length });
    e.op('Neg', [e.op('Squeeze', [picked, e.int64s([rowDims.length])], 'float32')], c.out(0));
    return;
  }
  const rows = rowDims.reduce<string>(
    (n, d) => e.op('Mul', [n, e.dimScalar(d, 'int32')], 'int32'),
    e.scalar('int32', 1),
  );
  const row = e.op(
    'Reshape',
    [e.op('Range', [e.scalar('int32', 0), rows, e.scalar('int32', 1)], 'int32'), e.shape(rowDims)],
    'int32',
  );
  const at = e.op(
    'Add',
    [
      e.op('Mul', [row, e.dimScalar(dimAt(c.inputTypes[0].shape, c.inputTypes[0].shape.length - 1), 'int32')], 'int32'),
      labels,
    ],
    'int32',
  );
  const picked = e.op('Gather', [e.op('Reshape', [logProbs, e.int64s([-1])], 'float32'), at], 'float32', { axis: 0 });
  e.op('Neg', [picked], c.out(0));
}

/**
 * (softmax - onehot(label)) * g on the rows where g != 0 only, written in one pass: NonZero finds the S
 * rows (row-major order), GatherND takes their logits, labels and g, Softmax and the one-hot difference
 * run on those [S, C] rows behind one row of zeros, and a Gather of that [S+1, C] table by each row's
 * place (0 for rows with g == 0, else 1 + its rank among the nonzero rows, scattered into zeros) writes
 * the whole gradient. onnxruntime's CPU ScatterND would first copy a zero tensor of the full size. The extra
 * row also keeps S+1 >= 1 rows for every kernel (the WebGPU provider's Softmax cannot dispatch zero).
 * A rank-0 g (a single row) is computed densely.
 */
function softmaxCrossEntropyGrad(c: LoweringContext<'softmaxCrossEntropyGrad'>): void {
  const e = c.e;
  const [logits, labels, g] = c.inputs;
  const rank = c.inputTypes[2].shape.length;
  const classDim = dimAt(c.inputTypes[0].shape, c.inputTypes[0].shape.length - 1);
  const classes = e.dimScalar(classDim, 'int32');
  const oneHotMinus = (probs: string, label: string, gRows: string, out: OutputSlot | 'float32') => {
    // (p - [k == label]) * g, the label compared against 0..C-1 along the last axis
    const k = e.op('Range', [e.scalar('int32', 0), classes, e.scalar('int32', 1)], 'int32');
    const hot = e.op(
      'Cast',
      [e.op('Equal', [e.op('Unsqueeze', [label, e.int64s([-1])], 'int32'), k], 'bool')],
      'float32',
      { to: 1 },
    );
    return e.op(
      'Mul',
      [e.op('Sub', [probs, hot], 'float32'), e.op('Unsqueeze', [gRows, e.int64s([-1])], 'float32')],
      out,
    );
  };
  // dense on WebGPU, which has no NonZero and no int64 GatherND data
  if (rank === 0 || e.webgpu)
    return void oneHotMinus(e.op('Softmax', [logits], 'float32', { axis: -1 }), labels, g, c.out(0));
  const selected = e.op('Not', [e.op('Equal', [g, e.scalar('float32', 0)], 'bool')], 'bool');
  const nonZero = e.op('Transpose', [e.op('NonZero', [selected], 'int64')], 'int64', { perm: [1, 0] }); // [S, rank]
  const behindZero = (first: string, rows: string) => e.op('Concat', [first, rows], e.dtypeOf(rows), { axis: 0 });
  const rows = behindZero(
    e.op('Expand', [e.scalar('float32', 0), e.shape([1, classDim])], 'float32'),
    e.op('GatherND', [logits, nonZero], 'float32'),
  ); // [S+1, C]
  // the CUDA provider's GatherND has no int32 data: labels go through int64
  const label = e.cast(
    behindZero(e.int64s([0]), e.op('GatherND', [e.cast(labels, 'int64'), nonZero], 'int64')),
    'int32',
  );
  const gRows = behindZero(e.constant('float32', [1], [0]), e.op('GatherND', [g, nonZero], 'float32'));
  const table = oneHotMinus(e.op('Softmax', [rows], 'float32', { axis: -1 }), label, gRows, 'float32'); // row 0: exactly 0
  // a ScatterND, not a CumSum over all rows: the WebGPU provider's CumSum is quadratic in the length
  const count = e.op('Squeeze', [e.op('Shape', [nonZero], 'int64', { start: 0, end: 1 }), e.int64s([0])], 'int64');
  const ranks = e.op(
    'Range',
    [e.scalar('int32', 1), e.op('Add', [e.cast(count, 'int32'), e.scalar('int32', 1)], 'int32'), e.scalar('int32', 1)],
    'int32',
  );
  const noPlace = e.op('Expand', [e.scalar('int32', 0), e.op('Shape', [g], 'int64')], 'int32');
  const place = e.op('ScatterND', [noPlace, nonZero, ranks], 'int32');
  e.op('Gather', [table, place], c.out(0), { axis: 0 });
}

/** Smooth L1 (beta 1) as m * (|x| - m/2) with m = min(|x|, 1): exact for both branches. */
function smoothL1(c: LoweringContext<'smoothL1'>): void {
  const e = c.e;
  const a = e.op('Abs', [c.inputs[0]], 'float32');
  const m = e.op('Min', [a, e.scalar('float32', 1)], 'float32');
  e.op('Mul', [m, e.op('Sub', [a, e.op('Mul', [m, e.scalar('float32', 0.5)], 'float32')], 'float32')], c.out(0));
}

/** Fused loss ops: each a few ONNX nodes that avoid dense work the composite form would do. */
export const FUSED = { softmaxCrossEntropy, softmaxCrossEntropyGrad, smoothL1 } satisfies Partial<LoweringTable>;
