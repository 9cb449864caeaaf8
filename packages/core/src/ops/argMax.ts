import { allocate } from '../ir/tensor-data.js';
import { defineOp } from './define.js';
import { axisSplit } from './kernel-util.js';
import { expectAxis, expectDtype, NUMERIC, reducedShape } from './rule-util.js';

/** Index (int32) of the largest element along `axis`; ties pick the lowest index (ONNX select_last_index=0). */
export const argMax = defineOp<'argMax', 1>({
  arity: 1,
  rule: ([x], { axis, keepDims }) => {
    expectDtype('argMax', x, NUMERIC);
    expectAxis('argMax', axis, x.shape.length);
    return [{ dtype: 'int32', shape: reducedShape(x.shape, [axis], keepDims) }];
  },
  kernel: ([x], { axis, keepDims }) => {
    const { outer, size, inner } = axisSplit(x.shape, axis);
    const out = allocate('int32', outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let best = 0;
        let bestV = x.data[o * size * inner + i]!;
        for (let k = 1; k < size; k++) {
          const v = x.data[(o * size + k) * inner + i]!;
          if (v > bestV) {
            bestV = v;
            best = k;
          }
        }
        out[o * inner + i] = best;
      }
    }
    const shape = x.shape.flatMap((d, i) => (i === axis ? (keepDims ? [1] : []) : [d]));
    return [{ dtype: 'int32', shape, data: out }];
  },
  vjp: null,
});
