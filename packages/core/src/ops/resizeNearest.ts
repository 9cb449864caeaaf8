import { fail } from '../errors.js';
import { allocate } from '../ir/tensor-data.js';
import { defineOp } from './define.js';
import { one } from './operands.js';
import { expectImage } from './window-rules.js';

/** nearest upsampling by integer factors (see ir/ops.ts): y[.., i, j] = x[.., floor(i / sh), floor(j / sw)]. */
export const resizeNearest = defineOp<'resizeNearest', 1>({
  arity: 1,
  rule: (inputs, { scales }) => {
    const [n, c, h, w] = expectImage('resizeNearest', one('resizeNearest', inputs), 'x');
    const [sh, sw] = scales;
    if (!Number.isInteger(sh) || !Number.isInteger(sw) || sh < 1 || sw < 1) {
      fail('INVALID_GRAPH', `resizeNearest: scales [${scales}] must be positive integers`);
    }
    return [{ dtype: 'float32', shape: [n, c, h * sh, w * sw] }];
  },
  kernel: (inputs, { scales: [sh, sw] }) => {
    const x = one('resizeNearest', inputs);
    const [n = 0, c = 0, h = 0, w = 0] = x.shape;
    const ho = h * sh;
    const wo = w * sw;
    const xs = x.data;
    const y = allocate('float32', n * c * ho * wo);
    for (let p = 0; p < n * c; p++) {
      for (let i = 0; i < ho; i++) {
        for (let j = 0; j < wo; j++) {
          y[(p * ho + i) * wo + j] = xs[(p * h + Math.floor(i / sh)) * w + Math.floor(j / sw)] ?? 0;
        }
      }
    }
    return [{ dtype: 'float32', shape: [n, c, ho, wo], data: y }];
  },
  // each input cell feeds an sh x sw block: sum the blocks
  vjp: ({ inputs, grads: [g], attrs: { scales } }) => {
    const [n, c, h, w] = one('resizeNearest', inputs).shape;
    if (g === undefined || n === undefined || c === undefined || h === undefined || w === undefined) return [undefined];
    return [g.reshape([n, c, h, scales[0], w, scales[1]]).sum([3, 5])];
  },
});
