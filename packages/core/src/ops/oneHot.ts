import { resolveDim } from '../ir/shape.js';
import { allocate } from '../ir/tensor-data.js';
import { defineOp } from './define.js';
import { checkIndex } from './kernel-util.js';
import { expectDtype } from './rule-util.js';

/** float32 [...indices.shape, depth]: 1 at each index, 0 elsewhere; indices must lie in [0, depth). */
export const oneHot = defineOp<'oneHot', 1>({
  arity: 1,
  rule: ([idx], { depth }) => {
    expectDtype('oneHot', idx, ['int32'], 'indices');
    return [{ dtype: 'float32', shape: [...idx.shape, depth] }];
  },
  kernel: ([idx], { depth }, env) => {
    const d = resolveDim(depth, env);
    const out = allocate('float32', idx.data.length * d);
    for (let i = 0; i < idx.data.length; i++) out[i * d + checkIndex(idx.data[i]!, d, 'oneHot')] = 1;
    return [{ dtype: 'float32', shape: [...idx.shape, d], data: out }];
  },
  vjp: null,
});
