import { fail } from '../errors.js';
import { dimAt, shapeToString } from '../ir/shape.js';
import { allocate } from '../ir/tensor-data.js';
import type { Shape, ValueType } from '../ir/types.js';
import { defineOp } from './define.js';
import { checkIndex } from './kernel-util.js';
import { expectDtype } from './rule-util.js';

function outShape(data: ValueType, idx: ValueType): Shape {
  return [...idx.shape, ...data.shape.slice(2)];
}

/**
 * Batched row gather: out[b, i..., r...] = data[b, indices[b, i...], r...] for data [B, N, ...] and int32
 * indices [B, ...]: ONNX GatherND with batch_dims 1 and one index component, tf.gather(data, indices, 1, 1).
 */
export const gatherRows = defineOp<'gatherRows', 2>({
  arity: 2,
  rule: ([data, idx]) => {
    expectDtype('gatherRows', idx, ['int32'], 'indices');
    if (data.shape.length < 2 || idx.shape.length < 1 || data.shape[0] !== idx.shape[0]) {
      fail(
        'INVALID_GRAPH',
        `gatherRows: data ${shapeToString(data.shape)} and indices ${shapeToString(idx.shape)} need rank >= 2 and >= 1 and the same first dim`,
      );
    }
    return [{ dtype: data.dtype, shape: outShape(data, idx) }];
  },
  kernel: ([data, idx]) => {
    const [B, N] = data.shape as [number, number];
    const row = data.shape.slice(2).reduce((a, b) => a * b, 1);
    const perBatch = idx.data.length / B;
    const out = allocate(data.dtype, idx.data.length * row);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < perBatch; j++) {
        const k = checkIndex(idx.data[b * perBatch + j]!, N, 'gatherRows');
        out.set(data.data.subarray((b * N + k) * row, (b * N + k + 1) * row), (b * perBatch + j) * row);
      }
    }
    return [{ dtype: data.dtype, shape: [...idx.shape, ...data.shape.slice(2)], data: out }];
  },
  // d/d data: each gathered row adds its gradient back at its index: a scatter-add along axis 1 for one
  // index dim (indices [B] or [B,K]), a one-hot contraction over the index dims otherwise
  vjp: ({ inputs: [data, idx], grads: [g] }) => {
    const r = idx.rank;
    if (r <= 2) {
      let at = r === 1 ? idx.unsqueeze(1) : idx;
      let upd = r === 1 ? g.unsqueeze(1) : g;
      for (let a = 2; a < data.rank; a++) at = at.unsqueeze(a);
      at = at.expand([...at.shape.slice(0, 2), ...data.shape.slice(2)]);
      upd = upd.expand(at.shape);
      return [g.builder.scalar(0).expand(data.shape).scatterElements(at, upd, 1, 'add'), undefined];
    }
    let oh = idx.oneHot(dimAt(data.shape, 1)); // [B, ...idx, N]
    for (let i = 2; i < data.rank; i++) oh = oh.unsqueeze(oh.rank);
    const spread = g.unsqueeze(r).mul(oh); // [B, ...idx, N, ...rest]
    const indexAxes = [...Array(r - 1).keys()].map((i) => i + 1);
    return [indexAxes.length === 0 ? spread : spread.sum(indexAxes), undefined];
  },
});
