import { fail } from '../errors.js';
import { resolveShape, shapeToString, sizeOf } from '../ir/shape.js';
import type { Shape } from '../ir/types.js';
import { defineOp } from './define.js';

/** Numeric product and sorted symbols: two shapes hold the same number of elements when both agree. */
function volumeKey(s: Shape): string {
  const nums = s.filter((d): d is number => typeof d === 'number').reduce((a, b) => a * b, 1);
  const syms = s.filter((d): d is string => typeof d === 'string').sort();
  return `${nums}*${syms.join('*')}`;
}

/** Row-major reshape to a static shape (symbols allowed, no -1); the element count must visibly agree. */
export const reshape = defineOp<'reshape', 1>({
  arity: 1,
  rule: ([x], { shape }) => {
    if (shape.some((d) => typeof d === 'number' && (!Number.isInteger(d) || d < 0))) {
      fail('INVALID_GRAPH', `reshape: invalid target ${shapeToString(shape)}`);
    }
    if (volumeKey(x.shape) !== volumeKey(shape)) {
      fail('INVALID_GRAPH', `reshape: ${shapeToString(x.shape)} and ${shapeToString(shape)} differ in size`);
    }
    return [{ dtype: x.dtype, shape }];
  },
  kernel: ([x], { shape }, env) => {
    const s = resolveShape(shape, env);
    if (sizeOf(s) !== x.data.length) fail('SHAPE_MISMATCH', `reshape: [${x.shape}] to [${s}]`);
    return [{ dtype: x.dtype, shape: s, data: x.data.slice() }];
  },
  vjp: ({ inputs: [x], grads: [g] }) => [g.reshape(x.shape)],
});
