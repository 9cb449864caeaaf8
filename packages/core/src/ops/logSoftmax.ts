import { allocate } from '../ir/tensor-data.js';
import { defineOp } from './define.js';
import { axisSplit } from './kernel-util.js';
import { expectAxis, expectDtype, FLOAT } from './rule-util.js';

/** x - logsumexp(x) along `axis`, computed stably (max subtracted first). */
export const logSoftmax = defineOp<'logSoftmax', 1>({
  arity: 1,
  rule: ([x], { axis }) => {
    expectDtype('logSoftmax', x, FLOAT);
    expectAxis('logSoftmax', axis, x.shape.length);
    return [{ dtype: x.dtype, shape: x.shape }];
  },
  kernel: ([x], { axis }) => {
    const { outer, size, inner } = axisSplit(x.shape, axis);
    const d = x.data;
    const out = allocate('float32', d.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const at = (k: number) => (o * size + k) * inner + i;
        let m = -Infinity;
        for (let k = 0; k < size; k++) m = Math.max(m, d[at(k)]!);
        let s = 0;
        for (let k = 0; k < size; k++) s += Math.exp(d[at(k)]! - m);
        const lse = m + Math.log(s);
        for (let k = 0; k < size; k++) out[at(k)] = d[at(k)]! - lse;
      }
    }
    return [{ dtype: 'float32', shape: [...x.shape], data: out }];
  },
  vjp: ({ outputs: [y], grads: [g], attrs: { axis } }) => [g.sub(y.exp().mul(g.sum([axis], true)))],
});
