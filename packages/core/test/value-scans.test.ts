import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HostTensor, LossGraphError } from '../src/index.js';
import { requireBoxRows, requireFinite } from '../src/losses/input-checks.js';

// The value scans take a one-pass fast path (a sum per tensor, a predicate per box row) and fall back to
// the exact scan only when it sees a problem: these properties check that the fast path misses nothing
// and that the error names the same place a plain first-to-last scan names.

function errorOf(f: () => void): LossGraphError | undefined {
  try {
    f();
  } catch (e) {
    if (LossGraphError.isInstance(e)) return e;
    throw e;
  }
  return undefined;
}

const BAD = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY] as const;

/** finite float32 values (any magnitude) with some values replaced by NaN or infinities */
const spoiled = fc
  .array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 67 })
  .chain((values) =>
    fc.array(fc.tuple(fc.nat(values.length - 1), fc.constantFrom(...BAD)), { maxLength: 3 }).map((spoils) => {
      const data = Float32Array.from(values);
      for (const [at, v] of spoils) data[at] = v;
      return data;
    }),
  );

const firstNonFiniteIndex = (data: ArrayLike<number>) => Array.from(data).findIndex((v) => !Number.isFinite(v));

describe('value scans: the fast path finds what the exact scan finds', () => {
  it('requireFinite fails exactly when a value is NaN or infinite, naming the first one', () => {
    fc.assert(
      fc.property(spoiled, (data) => {
        const cols = data.length % 2 === 0 ? 2 : 1;
        const shape = [data.length / cols, cols];
        const e = errorOf(() => requireFinite({ x: { dtype: 'float32', shape, data } }, ['x']));
        const first = firstNonFiniteIndex(data);
        if (first < 0) return e === undefined;
        const index = cols === 2 ? [Math.floor(first / 2), first % 2] : [first, 0];
        return (
          e?.code === 'NON_FINITE' && JSON.stringify((e.details as { index: number[] }).index) === JSON.stringify(index)
        );
      }),
    );
  });

  it('infinities of both signs, in any lane, are still found', () => {
    for (let n = 1; n <= 9; n++) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (i === j) continue;
          const data = new Float32Array(n).fill(1);
          data[i] = Number.POSITIVE_INFINITY;
          data[j] = Number.NEGATIVE_INFINITY;
          const e = errorOf(() => requireFinite({ x: { dtype: 'float32', shape: [n], data } }, ['x']));
          expect((e?.details as { index?: number[] } | undefined)?.index).toEqual([Math.min(i, j)]);
        }
      }
    }
  });

  it('a long tensor (summed in chunks): a non-finite value in any chunk or the tail is found', () => {
    const n = 3 * 65536 + 5;
    for (const at of [0, 65535, 65536, 2 * 65536 + 17, n - 1]) {
      for (const v of BAD) {
        const data = new Float32Array(n).fill(0.5);
        data[at] = v;
        const e = errorOf(() => requireFinite({ x: { dtype: 'float32', shape: [n], data } }, ['x']));
        expect(e?.details).toMatchObject({ tensor: 'x', index: [at] });
      }
    }
    // +Inf and -Inf in different chunks still make the sum NaN
    const data = new Float32Array(n).fill(0.5);
    data[70000] = Number.NEGATIVE_INFINITY;
    data[3] = Number.POSITIVE_INFINITY;
    expect(errorOf(() => requireFinite({ x: { dtype: 'float32', shape: [n], data } }, ['x']))?.details).toMatchObject({
      index: [3],
    });
  });

  it('finite float64 values whose sum overflows are not an error (the exact scan clears them)', () => {
    const data = Float64Array.from([1.7e308, 1.7e308, -1e308, 1.7e308, 5]);
    expect(errorOf(() => requireFinite({ x: { dtype: 'float32', shape: [5], data } }, ['x']))).toBeUndefined();
    data[4] = Number.NaN;
    const e = errorOf(() => requireFinite({ x: { dtype: 'float32', shape: [5], data } }, ['x']));
    expect(e?.code).toBe('NON_FINITE');
    expect(e?.details).toMatchObject({ tensor: 'x', index: [4] });
  });

  it('requireBoxRows names the first row its rule refuses, with the row in the message', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: 4, maxLength: 80 }), (values) => {
        const rows = Math.floor(values.length / 4);
        const boxes: HostTensor = {
          dtype: 'float32',
          shape: [rows, 4],
          data: Float32Array.from(values.slice(0, rows * 4)),
        };
        const e = errorOf(() =>
          requireBoxRows(
            boxes,
            'b',
            (_a, _b, w, h) => w > 0 && h > 0,
            ([a, b, w, h]) => `(${a}, ${b}, ${w}, ${h})`,
          ),
        );
        const bad = Array.from({ length: rows }, (_, r) => r).find((r) => {
          const [, , w = 0, h = 0] = boxes.data.subarray(r * 4, r * 4 + 4);
          return !(w > 0 && h > 0);
        });
        if (bad === undefined) return e === undefined;
        const row = Array.from(boxes.data.subarray(bad * 4, bad * 4 + 4));
        return (
          e?.code === 'DEGENERATE_BOX' &&
          (e.details as { row: number }).row === bad &&
          e.message === `'b' row ${bad}: (${row.join(', ')})`
        );
      }),
    );
  });
});
