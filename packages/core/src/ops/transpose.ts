import { fail } from '../errors.js';
import { dimAt, sizeOf, stridesOf } from '../ir/shape.js';
import { allocate } from '../ir/tensor-data.js';
import { defineOp } from './define.js';

/** Permutes axes: output axis i is input axis perm[i]. */
export const transpose = defineOp<'transpose', 1>({
  arity: 1,
  rule: ([x], { perm }) => {
    const r = x.shape.length;
    if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
      fail('INVALID_GRAPH', `transpose: [${perm}] is not a permutation of rank ${r}`);
    }
    return [{ dtype: x.dtype, shape: perm.map((p) => dimAt(x.shape, p)) }];
  },
  kernel: ([x], { perm }) => {
    const shape = perm.map((p) => dimAt(x.shape, p));
    const inStrides = stridesOf(x.shape);
    const srcStrides = perm.map((p) => inStrides[p]);
    const n = sizeOf(shape);
    const out = allocate(x.dtype, n);
    const idx = new Array<number>(shape.length).fill(0);
    let src = 0;
    for (let i = 0; i < n; i++) {
      out[i] = x.data[src]!;
      for (let ax = shape.length - 1; ax >= 0; ax--) {
        idx[ax]!++;
        src += srcStrides[ax]!;
        if (idx[ax]! < shape[ax]!) break;
        src -= srcStrides[ax]! * shape[ax]!;
        idx[ax] = 0;
      }
    }
    return [{ dtype: x.dtype, shape, data: out }];
  },
  vjp: ({ grads: [g], attrs: { perm } }) => {
    const inv = new Array<number>(perm.length);
    for (const [i, p] of perm.entries()) inv[p] = i;
    return [g.transpose(inv)];
  },
});
