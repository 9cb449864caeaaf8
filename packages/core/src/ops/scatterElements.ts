import { fail } from '../errors.js';
import { dimAt } from '../ir/shape.js';
import { defineOp } from './define.js';
import { axisSplit, checkIndex } from './kernel-util.js';
import { expectAxis, expectDtype, NUMERIC } from './rule-util.js';

/**
 * ONNX ScatterElements: a copy of `data` with `updates` written at `indices` along `axis`.
 * Duplicate indices: reduction 'add' sums them; 'max' keeps the largest of the data element and its
 * updates; 'none' rejects them (runtimes disagree on which write would win, so a graph must not depend
 * on it). 'max' has no gradient: differentiating through it fails (UNSUPPORTED_OP).
 */
export const scatterElements = defineOp<'scatterElements', 3>({
  arity: 3,
  rule: ([data, idx, upd], { axis, reduction }) => {
    expectAxis('scatterElements', axis, data.shape.length);
    expectDtype('scatterElements', idx, ['int32'], 'indices');
    if (upd.dtype !== data.dtype) fail('INVALID_GRAPH', 'scatterElements: updates dtype differs from data');
    if (reduction !== 'none') expectDtype('scatterElements', data, NUMERIC, 'data');
    const fits =
      idx.shape.length === data.shape.length &&
      idx.shape.every((d, i) => (i === axis || d === data.shape[i]) && d === upd.shape[i]);
    if (!fits || upd.shape.length !== idx.shape.length) {
      fail(
        'INVALID_GRAPH',
        `scatterElements: indices [${idx.shape}] / updates [${upd.shape}] do not fit data [${data.shape}]`,
      );
    }
    return [{ dtype: data.dtype, shape: data.shape }];
  },
  kernel: ([data, idx, upd], { axis, reduction }) => {
    const { outer, size, inner } = axisSplit(data.shape, axis);
    const m = dimAt(idx.shape, axis);
    const out = data.data.slice();
    const written = reduction === 'none' ? new Uint8Array(out.length) : undefined;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        for (let i = 0; i < inner; i++) {
          const at = (o * m + j) * inner + i;
          const dst = (o * size + checkIndex(idx.data[at]!, size, 'scatterElements')) * inner + i;
          if (written) {
            if (written[dst])
              fail('KERNEL_ERROR', `scatterElements: duplicate index ${idx.data[at]} with reduction 'none'`);
            written[dst] = 1;
            out[dst] = upd.data[at]!;
          } else if (reduction === 'max') out[dst] = Math.max(out[dst]!, upd.data[at]!);
          else out[dst] = out[dst]! + upd.data[at]!;
        }
      }
    }
    return [{ dtype: data.dtype, shape: [...data.shape], data: out }];
  },
  vjp: ({ inputs: [, idx, upd], grads: [g], attrs: { axis, reduction } }) => {
    if (reduction === 'max')
      fail(
        'UNSUPPORTED_OP',
        "scatterElements with reduction 'max' has no gradient (use it on integer data or behind stopGradient)",
        { op: 'scatterElements' },
      );
    const gData = reduction === 'add' ? g : g.scatterElements(idx, g.builder.scalar(0).expand(upd.shape), axis, 'none');
    return [gData, undefined, g.gatherElements(idx, axis)];
  },
});
