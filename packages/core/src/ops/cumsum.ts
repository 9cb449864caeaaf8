import { allocate } from '../ir/tensor-data.js';
import { defineOp } from './define.js';
import { axisSplit } from './kernel-util.js';
import { expectAxis, expectDtype, NUMERIC } from './rule-util.js';

/** Running sum along `axis` (ONNX CumSum): `exclusive` leaves out the element itself, `reverse` runs backwards. */
export const cumsum = defineOp<'cumsum', 1>({
  arity: 1,
  rule: ([x], { axis }) => {
    expectDtype('cumsum', x, NUMERIC);
    expectAxis('cumsum', axis, x.shape.length);
    return [{ dtype: x.dtype, shape: x.shape }];
  },
  kernel: ([x], { axis, exclusive, reverse }) => {
    const { outer, size, inner } = axisSplit(x.shape, axis);
    const out = allocate(x.dtype, x.data.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let acc = 0;
        for (let s = 0; s < size; s++) {
          const j = reverse ? size - 1 - s : s;
          const at = (o * size + j) * inner + i;
          if (exclusive) {
            out[at] = acc;
            acc += x.data[at]!;
          } else {
            acc += x.data[at]!;
            out[at] = acc;
          }
        }
      }
    }
    return [{ dtype: x.dtype, shape: [...x.shape], data: out }];
  },
  vjp: ({ grads: [g], attrs: { axis, exclusive, reverse } }) => [g.cumsum(axis, { exclusive, reverse: !reverse })],
});
