import { GraphBuilder, LossGraphError, OPS } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { elementwise } from '../src/lowering/elementwise.js';
import { expOfNonPositive } from '../src/lowering/exp.js';
import { indexing } from '../src/lowering/indexing.js';
import { gatherElementsOnHost, sliceOnHost } from '../src/lowering/on-host.js';
import { traitsOf } from '../src/lowering/traits.js';
import { valueFacts } from '../src/value-facts.js';
import { TEST_BACKENDS } from './backends.js';

// The routes lowerings take on cpu and wasm instead of the plain tfjs op, each checked against that op
// or the IR's reference kernel, on the cases where they could go wrong.

describe('valueFacts', () => {
  it('knows ranges along the last axis and log-probabilities, through rearrangements', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['N', 3]);
    const r = b.range(4);
    const rows = r.unsqueeze(0); // [1, 4]: still 0..3 along the last axis
    const column = r.unsqueeze(1); // [4, 1]: not
    const lp = x.logSoftmax(1);
    const lpT = lp.transpose([1, 0]);
    b.output('a', rows).output('b', column).output('c', lpT).output('d', x.exp());
    const g = b.build();
    const facts = valueFacts(g);
    const id = (name: string) => g.outputs.find((o) => o.name === name)!.value;
    expect(facts.iota.has(id('a'))).toBe(true);
    expect(facts.iota.has(id('b'))).toBe(false);
    expect(facts.nonPositive.has(id('c'))).toBe(true);
    expect(facts.nonPositive.has(id('d'))).toBe(false);
  });
});

describe('valueFacts: signs', () => {
  it("knows the focal loss's exponents are <= 0, and claims nothing it cannot show", () => {
    const b = new GraphBuilder();
    const z = b.input('z', 'float32', ['N']);
    const shared = z.abs().neg().exp().add(1).log(); // log(1 + e^-|z|) >= 0
    const spNeg = z.neg().maximum(0).add(shared); // softplus(-z) >= 0
    b.output('negAbs', z.abs().neg())
      .output('modulation', spNeg.mul(-2))
      .output('negSoftplus', spNeg.neg())
      .output('negLogOfExp', z.abs().exp().log().neg())
      .output('sumOfNonPositive', z.abs().neg().sum([0]))
      // |z| - z is >= 0, but only a relation between the operands shows it
      .output('absMinusZ', z.abs().sub(z).neg())
      // -|z| / |z|: the divisor may be -0 or 0
      .output('byZero', z.abs().neg().div(z.abs()))
      .output('plain', z.neg())
      .output('logOfSmall', z.abs().neg().exp().log())
      .output('scaledUp', spNeg.mul(2));
    const g = b.build();
    const { nonPositive } = valueFacts(g);
    const claimed = g.outputs.filter((o) => nonPositive.has(o.value)).map((o) => o.name);
    expect(claimed).toEqual(['negAbs', 'modulation', 'negSoftplus', 'negLogOfExp', 'sumOfNonPositive']);
  });
});

for (const backend of TEST_BACKENDS) {
  describe(`fast routes on tfjs-${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
    });

    it('equal(x[...,1], range(n)) as one-hot matches Equal, indices out of range included', async () => {
      const idx = tf.tensor([0, 3, -1, 4, 9, 2], [2, 3, 1], 'int32');
      const range = tf.range(0, 4, 1, 'int32');
      const ctx = {
        env: {},
        outShapes: [[2, 3, 4]],
        uniform: [undefined, undefined],
        iota: [false, true],
        nonPositive: [false, false],
        traits: traitsOf(backend),
      };
      const [got] = elementwise.equal([idx, range], {}, ctx);
      const [swapped] = elementwise.equal([range, idx], {}, { ...ctx, iota: [true, false] });
      const want = tf.equal(tf.broadcastTo(idx, [2, 3, 4]), range);
      expect(got!.dtype).toBe('bool');
      expect(got!.shape).toEqual([2, 3, 4]);
      expect(Array.from(await got!.data())).toEqual(Array.from(await want.data()));
      expect(Array.from(await swapped!.data())).toEqual(Array.from(await want.data()));
      tf.dispose([idx, range, got!, swapped!, want]);
    });

    it('maximum/minimum with a uniform float operand clamp in one ClipByValue, equal to Maximum/Minimum', async () => {
      const values = [-2.5, -0, 0, 1e-30, 3, -Infinity, Infinity, 7.25];
      const x = tf.tensor(values, [2, 4]);
      const zero = tf.scalar(0);
      const ctx = {
        env: {},
        outShapes: [[2, 4]],
        uniform: [undefined, 0],
        iota: [false, false],
        nonPositive: [false, false],
        traits: traitsOf(backend),
      };
      for (const [op, plain] of [
        ['maximum', tf.maximum],
        ['minimum', tf.minimum],
      ] as const) {
        const { kernelNames } = await tf.profile(() => {
          const [got] = elementwise[op]([x, zero], {}, ctx);
          const [swapped] = elementwise[op]([zero, x], {}, { ...ctx, uniform: [0, undefined] });
          return tf.stack([got!, swapped!]);
        });
        expect(kernelNames).toContain('ClipByValue');
        expect(kernelNames).not.toContain(op === 'maximum' ? 'Maximum' : 'Minimum');
        const [got] = elementwise[op]([x, zero], {}, ctx);
        const want = plain(x, zero);
        // -0 against 0 may come back as either zero: compare with ==, and everything else exactly
        const [g, w] = [Array.from(await got!.data()), Array.from(await want.data())];
        for (const [i, v] of g.entries()) {
          expect(v === w[i] || (v === 0 && w[i] === 0), `${op}(${values[i]}, 0): ${v} vs ${w[i]}`).toBe(true);
        }
        tf.dispose([got!, want]);
      }
      tf.dispose([x, zero]);
    });

    it('e^x for x <= 0 stays within 5 ulp of Math.exp down to -87, and keeps -inf, 0 and NaN', async () => {
      const xs = Float32Array.from([
        ...Array.from({ length: 4001 }, (_, i) => -87 * (i / 4000) ** 2),
        -1e-30,
        -0,
        -Infinity,
        NaN,
      ]);
      const x = tf.tensor1d(xs);
      const got = await expOfNonPositive(x, traitsOf(backend)).data();
      for (const [i, v] of xs.entries()) {
        if (Number.isNaN(v)) {
          expect(got[i]).toBeNaN();
          continue;
        }
        const want = Math.exp(v);
        expect(Math.abs(got[i]! - want)).toBeLessThanOrEqual(5 * 2 ** -23 * want + 1e-45);
      }
      expect(got[xs.length - 2]).toBe(0);
      x.dispose();
    });

    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      it(`slices short runs of many rows like tf.slice (${dtype})`, async () => {
        const x = tf.tensor(
          Array.from({ length: 3 * 50 * 5 }, (_, i) => (dtype === 'bool' ? i % 3 === 0 : i * 1.5 - 7)) as number[],
          [3, 50, 5],
          dtype,
        );
        for (const [axis, start, width] of [
          [2, 4, 1],
          [2, 0, 4],
          [1, 10, 7],
          [1, 0, 50],
        ] as const) {
          const got = sliceOnHost(x, axis, start, width);
          const want = tf.slice(
            x,
            [0, 0, 0].map((_, i) => (i === axis ? start : 0)),
            x.shape.map((d, i) => (i === axis ? width : d)),
          );
          expect(got.dtype).toBe(dtype);
          expect(got.shape).toEqual(want.shape);
          expect(Array.from(await got.data())).toEqual(Array.from(await want.data()));
          tf.dispose([got, want]);
        }
        x.dispose();
      });
    }

    it('gatherElements on the host matches the reference kernel on every axis, and fails out of range', async () => {
      const shape = [2, 3, 4];
      const data = Array.from({ length: 24 }, (_, i) => i * 0.5 - 3);
      const x = tf.tensor(data, shape);
      for (const axis of [0, 1, 2]) {
        const idxShape = shape.map((d, i) => (i === axis ? 5 : d));
        const size = idxShape.reduce((a, b) => a * b, 1);
        const at = Int32Array.from({ length: size }, (_, i) => (i * 7) % shape[axis]!);
        const idx = tf.tensor(at, idxShape, 'int32');
        const got = gatherElementsOnHost(x, idx, axis);
        const [want] = OPS.gatherElements.kernel(
          [
            { dtype: 'float32', shape, data: Float64Array.from(data) },
            { dtype: 'int32', shape: idxShape, data: at },
          ],
          { axis },
          {},
        );
        expect(got.shape).toEqual(idxShape);
        expect(Array.from(await got.data())).toEqual(Array.from(want!.data));
        tf.dispose([idx, got]);
      }
      const bad = tf.tensor([0, 3], [1, 1, 2], 'int32');
      expect(() => gatherElementsOnHost(tf.zeros([1, 1, 3]), bad, 2)).toThrow(LossGraphError);
      tf.dispose([x, bad]);
    });

    it('gatherElements and scatterElements picking one of many match the reference kernel, and fail out of range', async () => {
      // one index per lane of 8 along each axis: on wasm the route that stays in the heap (few indices)
      const shape = [3, 8, 8];
      const data = Array.from({ length: 192 }, (_, i) => ((i * 37) % 101) * 0.25 - 12);
      const x = tf.tensor(data, shape);
      const ctx = (uniform: (number | undefined)[]) => ({
        env: {},
        outShapes: [],
        uniform,
        iota: uniform.map(() => false),
        nonPositive: uniform.map(() => false),
        traits: traitsOf(backend),
      });
      const host = (dtype: 'float32' | 'int32', s: number[], d: ArrayLike<number>) =>
        ({ dtype, shape: s, data: dtype === 'int32' ? Int32Array.from(d) : Float64Array.from(d) }) as const;
      for (const axis of [0, 1, 2]) {
        const idxShape = shape.map((d, i) => (i === axis ? 1 : d));
        const size = idxShape.reduce((a, b) => a * b, 1);
        const at = Int32Array.from({ length: size }, (_, i) => (i * 5 + 1) % shape[axis]!);
        const updates = Array.from({ length: size }, (_, i) => 100 + i);
        const idx = tf.tensor(at, idxShape, 'int32');
        const upd = tf.tensor(updates, idxShape);
        const [gathered] = indexing.gatherElements([x, idx], { axis }, ctx([undefined, undefined]));
        const [scattered] = indexing.scatterElements(
          [x, idx, upd],
          { axis, reduction: 'none' },
          ctx([undefined, undefined, undefined]),
        );
        const [wantGathered] = OPS.gatherElements.kernel(
          [host('float32', shape, data), host('int32', idxShape, at)],
          { axis },
          {},
        );
        const [wantScattered] = OPS.scatterElements.kernel(
          [host('float32', shape, data), host('int32', idxShape, at), host('float32', idxShape, updates)],
          { axis, reduction: 'none' },
          {},
        );
        expect(Array.from(await gathered!.data())).toEqual(Array.from(wantGathered!.data));
        expect(scattered!.shape).toEqual(shape);
        expect(Array.from(await scattered!.data())).toEqual(Array.from(wantScattered!.data));
        tf.dispose([idx, upd, gathered!, scattered!]);
      }
      expect(Array.from(await x.data())).toEqual(data); // the scatter wrote into a copy
      for (const outside of [-1, 8]) {
        const bad = tf.tensor([0, outside, 2], [3, 1, 1], 'int32');
        const one = tf.ones([3, 1, 1]);
        expect(() => indexing.gatherElements([x, bad], { axis: 1 }, ctx([undefined, undefined]))).toThrow(
          LossGraphError,
        );
        expect(() =>
          indexing.scatterElements(
            [x, bad, one],
            { axis: 1, reduction: 'none' },
            ctx([undefined, undefined, undefined]),
          ),
        ).toThrow(LossGraphError);
        tf.dispose([bad, one]);
      }
      x.dispose();
    });
  });
}
