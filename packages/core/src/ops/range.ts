import { fail } from '../errors.js';
import { resolveDim } from '../ir/shape.js';
import { allocate } from '../ir/tensor-data.js';
import { defineOp } from './define.js';

/** int32 [length] holding 0, 1, ..., length-1; `length` may be a symbol. */
export const range = defineOp<'range', 0>({
  arity: 0,
  rule: (_, { length }) => {
    if (typeof length === 'number' && (!Number.isInteger(length) || length < 0))
      fail('INVALID_GRAPH', `range: bad length ${length}`);
    return [{ dtype: 'int32', shape: [length] }];
  },
  kernel: (_, { length }, env) => {
    const n = resolveDim(length, env);
    const out = allocate('int32', n);
    for (let i = 0; i < n; i++) out[i] = i;
    return [{ dtype: 'int32', shape: [n], data: out }];
  },
  vjp: null,
});
