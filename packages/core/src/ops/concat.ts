import { fail } from '../errors.js';
import { dimAt } from '../ir/shape.js';
import { allocate } from '../ir/tensor-data.js';
import { defineOp } from './define.js';
import { axisSplit } from './kernel-util.js';
import { expectAxis } from './rule-util.js';

/** Joins tensors along `axis`; every other dim must agree, and the joined dims must be numeric. */
export const concat = defineOp<'concat', 'variadic'>({
  arity: 'variadic',
  rule: (xs, { axis }) => {
    if (xs.length === 0) fail('INVALID_GRAPH', 'concat: no inputs');
    const first = xs[0];
    expectAxis('concat', axis, first.shape.length);
    for (const x of xs) {
      if (
        x.dtype !== first.dtype ||
        x.shape.length !== first.shape.length ||
        x.shape.some((d, i) => i !== axis && d !== first.shape[i])
      ) {
        fail('INVALID_GRAPH', 'concat: inputs differ in dtype, rank or a non-concatenated dim');
      }
    }
    if (xs.length === 1) return [first];
    const dims = xs.map((x) => dimAt(x.shape, axis));
    if (dims.some((d) => typeof d !== 'number')) fail('INVALID_GRAPH', 'concat: cannot join along a symbolic dim');
    const total = (dims as number[]).reduce((a, b) => a + b, 0);
    return [{ dtype: first.dtype, shape: first.shape.map((d, i) => (i === axis ? total : d)) }];
  },
  kernel: (xs, { axis }) => {
    const total = xs.reduce((a, x) => a + dimAt(x.shape, axis), 0);
    const shape = xs[0].shape.map((d, i) => (i === axis ? total : d));
    const { outer, inner } = axisSplit(shape, axis);
    const out = allocate(xs[0].dtype, outer * total * inner);
    let at = 0;
    for (const x of xs) {
      const n = dimAt(x.shape, axis) * inner;
      for (let o = 0; o < outer; o++) out.set(x.data.subarray(o * n, (o + 1) * n), o * total * inner + at);
      at += n;
    }
    return [{ dtype: xs[0].dtype, shape, data: out }];
  },
  vjp: ({ inputs, grads: [g], attrs: { axis } }) => {
    let at = 0;
    return inputs.map((x) => {
      const d = x.shape[axis] as number;
      const part = inputs.length === 1 ? g : g.slice(axis, at, at + d);
      at += d;
      return part;
    });
  },
});
