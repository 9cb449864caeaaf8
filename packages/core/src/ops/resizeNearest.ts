import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { expectImage } from './window-rules.js';

/** nearest upsampling by integer factors (see ir/ops.ts). */
export const resizeNearest = defineOp<'resizeNearest'>({
  arity: 1,
  rule: ([x], { scales }) => {
    const [n, c, h, w] = expectImage('resizeNearest', x!, 'x');
    const [sh, sw] = scales;
    if (!Number.isInteger(sh) || !Number.isInteger(sw) || sh < 1 || sw < 1) {
      fail('INVALID_GRAPH', `resizeNearest: scales [${scales}] must be positive integers`);
    }
    return [{ dtype: 'float32', shape: [n, c, h * sh, w * sw] }];
  },
  kernel: () =>
    fail('UNSUPPORTED_OP', 'resizeNearest: the reference kernel is not written yet', { op: 'resizeNearest' }),
  vjp: null,
});
