import { defineOp } from './define.js';
import { expectAxis } from './rule-util.js';

/** Inserts a dim of size 1 at `axis` (an axis of the result). */
export const unsqueeze = defineOp<'unsqueeze', 1>({
  arity: 1,
  rule: ([x], { axis }) => {
    expectAxis('unsqueeze', axis, x.shape.length + 1);
    const s = [...x.shape];
    s.splice(axis, 0, 1);
    return [{ dtype: x.dtype, shape: s }];
  },
  kernel: ([x], { axis }) => {
    const s = [...x.shape];
    s.splice(axis, 0, 1);
    return [{ dtype: x.dtype, shape: s, data: x.data }];
  },
  vjp: ({ grads: [g], attrs: { axis } }) => [g.squeeze(axis)],
});
