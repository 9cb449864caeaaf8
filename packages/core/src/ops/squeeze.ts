import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { expectAxis } from './rule-util.js';

/** Removes the dim of size 1 at `axis`. */
export const squeeze = defineOp<'squeeze', 1>({
  arity: 1,
  rule: ([x], { axis }) => {
    expectAxis('squeeze', axis, x.shape.length);
    if (x.shape[axis] !== 1) fail('INVALID_GRAPH', `squeeze: dim ${axis} is ${x.shape[axis]}, not 1`);
    return [{ dtype: x.dtype, shape: x.shape.filter((_, i) => i !== axis) }];
  },
  kernel: ([x], { axis }) => [{ dtype: x.dtype, shape: x.shape.filter((_, i) => i !== axis), data: x.data }],
  vjp: ({ grads: [g], attrs: { axis } }) => [g.unsqueeze(axis)],
});
