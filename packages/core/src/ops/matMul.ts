import { fail } from '../errors.js';
import { broadcastShapes, sizeOf, stridesOf } from '../ir/shape.js';
import type { TensorData } from '../ir/tensor-data.js';
import { defineOp } from './define.js';
import { unbroadcast } from './grad-util.js';
import { broadcastConcrete } from './kernel-util.js';
import { expectDtype, expectRankAtLeast, FLOAT } from './rule-util.js';

/** The last two dims of a rank >= 2 shape, and the batch dims before them. */
function splitMatrix<D>(shape: readonly D[]): { batch: D[]; rows: D; cols: D } {
  const batch = shape.slice(0, -2);
  const [rows, cols] = shape.slice(-2) as [D, D];
  return { batch, rows, cols };
}

/** Offset of batch index `flat` (over the broadcast batch shape) in an operand with batch dims `own`. */
function batchOffset(flat: number, batch: readonly number[], own: readonly number[], matrixSize: number): number {
  const ownStrides = stridesOf(own);
  const lead = batch.length - own.length;
  let rest = flat;
  let offset = 0;
  for (let ax = batch.length - 1; ax >= 0; ax--) {
    const size = batch[ax] ?? 1;
    const i = rest % size;
    rest = (rest - i) / size;
    const ownAx = ax - lead;
    if (ownAx >= 0 && own[ownAx] !== 1) offset += i * (ownStrides[ownAx] ?? 0);
  }
  return offset * matrixSize;
}

function matMulKernel(a: TensorData, b: TensorData): TensorData {
  const A = splitMatrix(a.shape);
  const B = splitMatrix(b.shape);
  const { rows: m, cols: k } = A;
  const { cols: n } = B;
  if (B.rows !== k) fail('SHAPE_MISMATCH', `matMul: inner dims ${k} and ${B.rows} differ`);
  const batch = broadcastConcrete([A.batch, B.batch]);
  const count = sizeOf(batch);
  const out = new Float64Array(count * m * n);
  for (let t = 0; t < count; t++) {
    const ao = batchOffset(t, batch, A.batch, m * k);
    const bo = batchOffset(t, batch, B.batch, k * n);
    const oo = t * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += (a.data[ao + i * k + p] ?? 0) * (b.data[bo + p * n + j] ?? 0);
        out[oo + i * n + j] = s;
      }
    }
  }
  return { dtype: 'float32', shape: [...batch, m, n], data: out };
}

/** The last two axes swapped. */
const swapLast = (rank: number): number[] => [...Array(rank - 2).keys(), rank - 1, rank - 2];

/**
 * Matrix product, ONNX MatMul for operands of rank >= 2: [..., M, K] x [..., K, N] -> [..., M, N], batch
 * dims broadcast. The VJP is dA = dY·Bᵀ and dB = Aᵀ·dY, each summed over the batch dims its operand was
 * broadcast along.
 */
export const matMul = defineOp<'matMul', 2>({
  arity: 2,
  rule: ([a, b]) => {
    expectDtype('matMul', a, FLOAT, 'first input');
    expectDtype('matMul', b, FLOAT, 'second input');
    expectRankAtLeast('matMul', a, 2);
    expectRankAtLeast('matMul', b, 2);
    const A = splitMatrix(a.shape);
    const B = splitMatrix(b.shape);
    if (typeof A.cols === 'number' && typeof B.rows === 'number' && A.cols !== B.rows) {
      fail('INVALID_GRAPH', `matMul: inner dims ${A.cols} and ${B.rows} differ`);
    }
    return [{ dtype: 'float32', shape: [...broadcastShapes(A.batch, B.batch), A.rows, B.cols] }];
  },
  kernel: ([a, b]) => [matMulKernel(a, b)],
  vjp: ({ inputs: [a, b], grads: [g] }) => [
    unbroadcast(g.matMul(b.transpose(swapLast(b.rank))), a.shape),
    unbroadcast(a.transpose(swapLast(a.rank)).matMul(g), b.shape),
  ],
});
