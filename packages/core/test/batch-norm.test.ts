import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendGradients, batchNormEval, batchNormTrain, GraphBuilder, interpret } from '../src/index.js';
import { seeded } from './valid-feeds.js';

// Expected values come from BatchNorm's definition computed per channel in plain loops here, and gradients from
// central differences of the float64 interpreter.

const shapes = fc.record({
  n: fc.integer({ min: 1, max: 3 }),
  c: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 1, max: 3 }),
  w: fc.integer({ min: 2, max: 3 }),
  seed: fc.integer({ min: 0, max: 1e6 }),
  momentum: fc.double({ min: 0.01, max: 0.9, noNaN: true }),
  epsilon: fc.double({ min: 1e-5, max: 1e-1, noNaN: true }),
});

type Case = typeof shapes extends fc.Arbitrary<infer T> ? T : never;

function build(c: Case, mode: 'train' | 'eval') {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [c.n, c.c, c.h, c.w]);
  const p = {
    scale: b.input('scale', 'float32', [c.c]),
    bias: b.input('bias', 'float32', [c.c]),
    runningMean: b.input('rm', 'float32', [c.c]),
    runningVar: b.input('rv', 'float32', [c.c]),
    epsilon: c.epsilon,
    momentum: c.momentum,
  };
  const weights = b.input('weights', 'float32', [c.n, c.c, c.h, c.w]);
  if (mode === 'train') {
    const r = batchNormTrain(x, p);
    b.output('y', r.y).output('total', r.y.mul(weights).sum()).output('rm_next', r.runningMean);
    b.output('rv_next', r.runningVar);
  } else {
    const y = batchNormEval(x, p);
    b.output('y', y).output('total', y.mul(weights).sum());
  }
  const wrt = { x: 'dx', scale: 'dscale', bias: 'dbias', ...(mode === 'eval' ? { rm: 'drm', rv: 'drv' } : {}) };
  return appendGradients(b.build(), { of: ['total'], wrt });
}

function feedsOf(c: Case) {
  const r = seeded(c.seed);
  const data = (n: number, lo: number, hi: number) => Float64Array.from({ length: n }, () => lo + (hi - lo) * r());
  const size = c.n * c.c * c.h * c.w;
  return {
    x: { shape: [c.n, c.c, c.h, c.w], data: data(size, -2, 3) },
    scale: { shape: [c.c], data: data(c.c, 0.5, 1.5) },
    bias: { shape: [c.c], data: data(c.c, -1, 1) },
    rm: { shape: [c.c], data: data(c.c, -1, 1) },
    rv: { shape: [c.c], data: data(c.c, 0.5, 2) },
    weights: { shape: [c.n, c.c, c.h, c.w], data: data(size, -1, 1) },
  };
}

/** the elements of channel k, and their flat indices */
function channel(c: Case, x: ArrayLike<number>, k: number): { values: number[]; at: number[] } {
  const at: number[] = [];
  const hw = c.h * c.w;
  for (let n = 0; n < c.n; n++) for (let i = 0; i < hw; i++) at.push((n * c.c + k) * hw + i);
  return { values: at.map((i) => x[i] ?? 0), at };
}

function expectGradientsMatchDifferences(c: Case, mode: 'train' | 'eval', names: readonly string[]): void {
  const graph = build(c, mode);
  const feeds = feedsOf(c);
  const out = interpret(graph, feeds);
  const total = (f: typeof feeds) => interpret(graph, f, ['total']).total?.data[0] ?? 0;
  const h = 1e-6;
  for (const name of names) {
    const key = name as keyof typeof feeds;
    const grad = out[`d${name}`]?.data ?? [];
    const base = feeds[key].data;
    for (let i = 0; i < base.length; i++) {
      const bump = (d: number) => ({
        ...feeds,
        [key]: { ...feeds[key], data: base.map((v, j) => (j === i ? v + d : v)) },
      });
      const fd = (total(bump(h)) - total(bump(-h))) / (2 * h);
      expect(Math.abs((grad[i] ?? 0) - fd), `d${name}[${i}]: ${grad[i]} vs ${fd}`).toBeLessThan(
        1e-5 * Math.max(1, Math.abs(fd)),
      );
    }
  }
}

describe('batchNormTrain', () => {
  it('normalises each channel with its batch mean and biased variance; running stats follow PyTorch', () => {
    fc.assert(
      fc.property(shapes, (c) => {
        const feeds = feedsOf(c);
        const out = interpret(build(c, 'train'), feeds);
        for (let k = 0; k < c.c; k++) {
          const { values, at } = channel(c, feeds.x.data, k);
          const m = values.length;
          const mean = values.reduce((s, v) => s + v, 0) / m;
          const biased = values.reduce((s, v) => s + (v - mean) ** 2, 0) / m;
          const [g = 0, beta = 0, rm = 0, rv = 0] = [feeds.scale, feeds.bias, feeds.rm, feeds.rv].map((t) => t.data[k]);
          at.forEach((i, j) => {
            const want = (((values[j] ?? 0) - mean) / Math.sqrt(biased + c.epsilon)) * g + beta;
            expect(out.y?.data[i]).toBeCloseTo(want, 10);
          });
          expect(out.rm_next?.data[k]).toBeCloseTo((1 - c.momentum) * rm + c.momentum * mean, 10);
          expect(out.rv_next?.data[k]).toBeCloseTo((1 - c.momentum) * rv + (c.momentum * biased * m) / (m - 1), 10);
        }
      }),
      { seed: 7, numRuns: 25 },
    );
  });

  it('its gradients with respect to x, scale and bias match central differences', () => {
    fc.assert(
      fc.property(shapes, (c) => expectGradientsMatchDifferences(c, 'train', ['x', 'scale', 'bias'])),
      { seed: 8, numRuns: 10 },
    );
  });

  it('refuses a batch with one value per channel (PyTorch raises too)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, 2, 1, 1]);
    const v = b.input('v', 'float32', [2]);
    expect(() =>
      batchNormTrain(x, { scale: v, bias: v, runningMean: v, runningVar: v, epsilon: 1e-5, momentum: 0.1 }),
    ).toThrow(/more than one value per channel/);
  });
});

describe('batchNormEval', () => {
  it('normalises with the running stats; gradients (including to the stats) match central differences', () => {
    fc.assert(
      fc.property(shapes, (c) => {
        const feeds = feedsOf(c);
        const out = interpret(build(c, 'eval'), feeds);
        for (let k = 0; k < c.c; k++) {
          const { values, at } = channel(c, feeds.x.data, k);
          const [g = 0, beta = 0, rm = 0, rv = 0] = [feeds.scale, feeds.bias, feeds.rm, feeds.rv].map((t) => t.data[k]);
          at.forEach((i, j) => {
            expect(out.y?.data[i]).toBeCloseTo((((values[j] ?? 0) - rm) / Math.sqrt(rv + c.epsilon)) * g + beta, 10);
          });
        }
        expectGradientsMatchDifferences(c, 'eval', ['x', 'scale', 'bias', 'rm', 'rv']);
      }),
      { seed: 9, numRuns: 10 },
    );
  });
});
