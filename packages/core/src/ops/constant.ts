import { fail } from '../errors.js';
import { sizeOf } from '../ir/shape.js';
import { tensor } from '../ir/tensor-data.js';
import { defineOp } from './define.js';

/** A literal tensor (row-major values). */
export const constant = defineOp<'constant', 0>({
  arity: 0,
  rule: (_, { dtype, shape, values }) => {
    if (shape.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(shape) !== values.length) {
      fail('INVALID_GRAPH', `constant: ${values.length} values do not fill shape [${shape}]`);
    }
    return [{ dtype, shape }];
  },
  kernel: (_, { dtype, shape, values }) => [tensor(dtype, shape, values)],
  vjp: null,
});
