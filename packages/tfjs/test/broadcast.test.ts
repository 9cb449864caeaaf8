import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandTo } from '../src/lowering/broadcast.js';
import { traitsOf } from '../src/lowering/traits.js';
import { TEST_BACKENDS } from './backends.js';

// expandTo picks a route per pattern and backend (suffix: multiply by ones; others: a host loop on cpu,
// and on wasm matMul by ones (int32 in two 16-bit halves), stacking, or a host loop for int32 and bool
// rows of 64 or more); tf.broadcastTo (Tile) is the plain reference for every route.
const PATTERNS: [number[], number[]][] = [
  [[], [2, 3]],
  [
    [1, 1, 1],
    [2, 2, 3],
  ],
  [
    [1, 4],
    [3, 4],
  ],
  [
    [3, 1],
    [3, 4],
  ],
  [
    [2, 1, 3],
    [2, 5, 3],
  ],
  [
    [1, 3, 1],
    [2, 3, 4],
  ],
  [
    [2, 1, 1, 3],
    [2, 4, 5, 3],
  ],
  [[4], [2, 3, 4]],
  [
    [2, 1],
    [2, 70],
  ],
  [
    [1, 3, 1],
    [2, 3, 80],
  ],
];

function values(dtype: 'float32' | 'int32' | 'bool', n: number): number[] {
  const special =
    dtype === 'int32'
      ? [2 ** 31 - 1, -(2 ** 31), 2 ** 24 + 1, -7, 0]
      : dtype === 'bool'
        ? [1, 0]
        : [1.5, -2.25, 3e38, -0.5];
  return Array.from({ length: n }, (_, i) => special[i % special.length]! + (dtype === 'float32' ? i : 0));
}

for (const backend of TEST_BACKENDS) {
  describe(`expandTo on tfjs-${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
    });
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      for (const [from, to] of PATTERNS) {
        it(`${dtype} [${from}] -> [${to}]`, async () => {
          const x = tf.tensor(
            values(
              dtype,
              from.reduce((a, b) => a * b, 1),
            ),
            from,
            dtype,
          );
          const got = expandTo(x, to, traitsOf(backend));
          const want = tf.broadcastTo(x, to);
          expect(got.dtype).toBe(dtype);
          expect(got.shape).toEqual(to);
          expect(Array.from(await got.data())).toEqual(Array.from(await want.data()));
          tf.dispose([x, got, want]);
        });
      }
    }
  });
}
