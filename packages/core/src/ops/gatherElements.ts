import { fail } from '../errors.js';
import { dimAt } from '../ir/shape.js';
import { allocate } from '../ir/tensor-data.js';
import { defineOp } from './define.js';
import { axisSplit, checkIndex } from './kernel-util.js';
import { expectAxis, expectDtype } from './rule-util.js';

/** ONNX GatherElements: out[..i..] = x[..indices[..i..]..] along `axis`; other dims of indices equal x's. */
export const gatherElements = defineOp<'gatherElements', 2>({
  arity: 2,
  rule: ([x, idx], { axis }) => {
    expectAxis('gatherElements', axis, x.shape.length);
    expectDtype('gatherElements', idx, ['int32'], 'indices');
    if (idx.shape.length !== x.shape.length || idx.shape.some((d, i) => i !== axis && d !== x.shape[i])) {
      fail('INVALID_GRAPH', `gatherElements: indices [${idx.shape}] do not fit data [${x.shape}] on axis ${axis}`);
    }
    return [{ dtype: x.dtype, shape: idx.shape }];
  },
  kernel: ([x, idx], { axis }) => {
    const { outer, size, inner } = axisSplit(x.shape, axis);
    const m = dimAt(idx.shape, axis);
    const out = allocate(x.dtype, idx.data.length);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        for (let i = 0; i < inner; i++) {
          const at = (o * m + j) * inner + i;
          const k = checkIndex(idx.data[at]!, size, 'gatherElements');
          out[at] = x.data[(o * size + k) * inner + i]!;
        }
      }
    }
    return [{ dtype: x.dtype, shape: [...idx.shape], data: out }];
  },
  vjp: ({ inputs: [x, idx], grads: [g], attrs: { axis } }) => {
    if (idx.shape[axis] === 1) {
      // One index per lane (a label's log-probability, say): a one-hot mask times the broadcast gradient.
      // Runtimes whose scatter is slow (tfjs-webgl's is quadratic) gain most; ORT runs both about as fast
      // (and its OneHot kernel is slower than Equal + Cast, hence no oneHot here).
      let positions = g.builder.range(dimAt(x.shape, axis));
      for (let a = axis + 1; a < x.rank; a++) positions = positions.unsqueeze(positions.rank);
      return [idx.equal(positions).cast('float32').mul(g), undefined];
    }
    return [g.builder.scalar(0).expand(x.shape).scatterElements(idx, g, axis, 'add'), undefined];
  },
});
