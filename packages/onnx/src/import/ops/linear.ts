import type { Tensor } from '@lossgraph/core';
import type { ConverterTable, NodeContext } from '../context.js';

/** ONNX MatMul, including rank-1 operands (numpy's matmul rules). */
function matMul(a: Tensor, b: Tensor): Tensor {
  const a2 = a.rank === 1 ? a.unsqueeze(0) : a;
  const b2 = b.rank === 1 ? b.unsqueeze(1) : b;
  let y = a2.matMul(b2);
  if (b.rank === 1) y = y.squeeze(-1);
  if (a.rank === 1) y = y.squeeze(-2 + (b.rank === 1 ? 1 : 0));
  return y;
}

/** Gemm: alpha·A'·B' + beta·C, with A' = A or Aᵀ and B' = B or Bᵀ. */
function gemm(ctx: NodeContext): Tensor[] {
  const transpose = (t: Tensor, flag: string) => (ctx.attrs.int(flag, 0) === 1 ? t.transpose([1, 0]) : t);
  const a = transpose(ctx.tensor(0), 'transA');
  const b = transpose(ctx.tensor(1), 'transB');
  const alpha = ctx.attrs.float('alpha', 1);
  const beta = ctx.attrs.float('beta', 1);
  let y = a.matMul(b);
  if (alpha !== 1) y = y.mul(alpha);
  if (ctx.optional(2) !== undefined && beta !== 0) {
    const c = ctx.tensor(2);
    y = y.add(beta === 1 ? c : c.mul(beta));
  }
  return [y];
}

export const LINEAR_OPS: ConverterTable = {
  Gemm: { convert: gemm },
  MatMul: { convert: (ctx) => [matMul(ctx.tensor(0), ctx.tensor(1))] },
};
