import { dimAt } from '../ir/shape.js';
import { defineOp } from './define.js';
import { expectAxis, expectDtype, NUMERIC } from './rule-util.js';
import { selectedValuesVjp, topkKernel } from './sort-util.js';

/** A full stable sort along `axis`: values and int32 indices; ties keep the lower index first. */
export const sort = defineOp<'sort', 1>({
  arity: 1,
  rule: ([x], { axis }) => {
    expectDtype('sort', x, NUMERIC);
    expectAxis('sort', axis, x.shape.length);
    return [
      { dtype: x.dtype, shape: x.shape },
      { dtype: 'int32', shape: x.shape },
    ];
  },
  kernel: ([x], { axis, descending }) => topkKernel(x, dimAt(x.shape, axis), axis, descending),
  vjp: ({ inputs: [x], outputs: [, idx], grads: [g], attrs: { axis } }) => selectedValuesVjp(x, idx!, g, axis),
});
