import { fail } from '../errors.js';
import { dimAt } from '../ir/shape.js';
import { allocate } from '../ir/tensor-data.js';
import type { Dim } from '../ir/types.js';
import { defineOp } from './define.js';
import { axisSplit } from './kernel-util.js';
import { expectAxis } from './rule-util.js';

/** x[..., start:end, ...] along one axis with step 1. A symbolic axis can only be taken whole. */
export const slice = defineOp<'slice', 1>({
  arity: 1,
  rule: ([x], { axis, start, end }) => {
    expectAxis('slice', axis, x.shape.length);
    const d = dimAt(x.shape, axis);
    let size: Dim;
    if (typeof d === 'string') {
      if (start !== 0 || end !== null)
        fail('INVALID_GRAPH', `slice: cannot take [${start}:${end}] of symbolic dim '${d}'`);
      size = d;
    } else {
      const e = end ?? d;
      if (!(Number.isInteger(start) && Number.isInteger(e) && start >= 0 && start < e && e <= d)) {
        fail('INVALID_GRAPH', `slice: [${start}:${end}] out of range for dim ${d}`);
      }
      size = e - start;
    }
    return [{ dtype: x.dtype, shape: x.shape.map((v, i) => (i === axis ? size : v)) }];
  },
  kernel: ([x], { axis, start, end }) => {
    const { outer, size, inner } = axisSplit(x.shape, axis);
    const e = end ?? size;
    const n = e - start;
    const out = allocate(x.dtype, outer * n * inner);
    for (let o = 0; o < outer; o++) {
      out.set(x.data.subarray((o * size + start) * inner, (o * size + e) * inner), o * n * inner);
    }
    return [{ dtype: x.dtype, shape: x.shape.map((v, i) => (i === axis ? n : v)), data: out }];
  },
  vjp: ({ inputs: [x], grads: [g], attrs: { axis, start, end } }) => {
    const d = dimAt(x.shape, axis);
    if (typeof d === 'string') return [g];
    const e = end ?? d;
    const b = g.builder;
    const zeros = (n: number) => b.scalar(0).expand(x.shape.map((v, i) => (i === axis ? n : v)));
    const parts = [...(start > 0 ? [zeros(start)] : []), g, ...(e < d ? [zeros(d - e)] : [])];
    return [parts.length === 1 ? g : b.concat(parts, axis)];
  },
});
