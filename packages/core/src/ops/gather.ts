import { dimAt } from '../ir/shape.js';
import { allocate } from '../ir/tensor-data.js';
import { defineOp } from './define.js';
import { axisSplit, checkIndex } from './kernel-util.js';
import { expectAxis, expectDtype } from './rule-util.js';

/** ONNX Gather: out = x[:axis] + indices.shape + x[axis+1:], taking whole slices of x along `axis`. */
export const gather = defineOp<'gather', 2>({
  arity: 2,
  rule: ([x, idx], { axis }) => {
    expectAxis('gather', axis, x.shape.length);
    expectDtype('gather', idx, ['int32'], 'indices');
    return [{ dtype: x.dtype, shape: [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)] }];
  },
  kernel: ([x, idx], { axis }) => {
    const { outer, size, inner } = axisSplit(x.shape, axis);
    const n = idx.data.length;
    const out = allocate(x.dtype, outer * n * inner);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < n; j++) {
        const k = checkIndex(idx.data[j]!, size, 'gather');
        out.set(x.data.subarray((o * size + k) * inner, (o * size + k + 1) * inner), (o * n + j) * inner);
      }
    }
    return [
      { dtype: x.dtype, shape: [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)], data: out },
    ];
  },
  // d/dx: every gathered slice adds its gradient back at its index (a one-hot contraction).
  vjp: ({ inputs: [x, idx], grads: [g], attrs: { axis } }) => {
    const r = idx.rank;
    let oh = idx.oneHot(dimAt(x.shape, axis));
    for (let i = 0; i < axis; i++) oh = oh.unsqueeze(0);
    for (let i = axis + 1; i < x.rank; i++) oh = oh.unsqueeze(oh.rank);
    const spread = g.unsqueeze(axis + r).mul(oh);
    return [spread.sum([...Array(r).keys()].map((i) => axis + i)), undefined];
  },
});
