import { fail } from '../errors.js';
import { resolveDim } from '../ir/shape.js';
import { defineOp } from './define.js';
import { expectAxis, expectDtype, NUMERIC } from './rule-util.js';
import { selectedValuesVjp, topkKernel } from './sort-util.js';

/** The k largest (or smallest) values along `axis`, sorted, with int32 indices; ties: lower index first. */
export const topk = defineOp<'topk'>({
  arity: 1,
  rule: ([x], { k, axis }) => {
    expectDtype('topk', x!, NUMERIC);
    expectAxis('topk', axis, x!.shape.length);
    const d = x!.shape[axis]!;
    if (typeof k === 'number' && (!Number.isInteger(k) || k < 1 || (typeof d === 'number' && k > d))) {
      fail('INVALID_GRAPH', `topk: k=${k} out of range for dim ${d}`);
    }
    const shape = x!.shape.map((v, i) => (i === axis ? k : v));
    return [
      { dtype: x!.dtype, shape },
      { dtype: 'int32', shape },
    ];
  },
  kernel: ([x], { k, axis, largest }, env) => {
    const kk = resolveDim(k, env);
    if (kk > x!.shape[axis]!) fail('KERNEL_ERROR', `topk: k=${kk} exceeds dim ${x!.shape[axis]}`);
    return topkKernel(x!, kk, axis, largest);
  },
  vjp: ({ inputs: [x], outputs: [, idx], grads: [g], attrs: { axis } }) => selectedValuesVjp(x!, idx!, g, axis),
});
