import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Feeds, interpret, type MultiboxLossOptions, multiboxLoss } from '../src/index.js';
import { negativeLosses } from '../src/testing/mining.js';
import { seeded, validFeeds } from './valid-feeds.js';

/** Random small cases: sizes, options and a data seed (the data follows from the seed, see validFeeds). */
const cases = fc.record({
  B: fc.integer({ min: 1, max: 3 }),
  P: fc.integer({ min: 1, max: 16 }),
  C: fc.integer({ min: 2, max: 6 }),
  M: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer({ min: 0, max: 1e6 }),
  jaccardThresh: fc.double({ min: 0.2, max: 0.8, noNaN: true }),
  // values float32 flushes to 0 are refused as options (requireFloat32): draw 0 instead
  negPos: fc.oneof(
    fc.integer({ min: 0, max: 5 }),
    fc.double({ min: 0, max: 4, noNaN: true }).map((v) => (v < 1e-30 ? 0 : v)),
  ),
  variances: fc.tuple(fc.double({ min: 0.05, max: 0.5, noNaN: true }), fc.double({ min: 0.05, max: 0.5, noNaN: true })),
});

/**
 * The smallest gap, over images, between the last hard negative kept and the first one dropped (by
 * mining cross entropy). Mining selection is piecewise constant and not differentiated: a perturbation
 * that reorders boxes across that boundary jumps the loss, so central differences there are meaningless.
 */
function miningGap(feeds: Feeds, labels: ArrayLike<number>, negPos: number): number {
  let gap = Infinity;
  for (const { numPos, losses } of negativeLosses(feeds, labels)) {
    const kept = Math.min(Math.ceil(negPos * numPos), losses.length);
    if (kept > 0 && kept < losses.length) gap = Math.min(gap, losses[kept - 1]! - losses[kept]!);
  }
  return gap;
}

describe('finite-difference gradient check of the whole loss (reference, float64)', () => {
  it('d(loss_l + loss_c)/d loc_data and /d conf_data agree with central differences along random directions and coordinates', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const options: MultiboxLossOptions = {
          jaccardThresh: c.jaccardThresh,
          negPos: c.negPos,
          variances: c.variances,
          outputs: ['conf_t_label'],
        };
        const graph = multiboxLoss(options);
        const f32 = validFeeds(c.seed, c);
        // float64 copies, so that the perturbations are not rounded away
        const feeds: Feeds = Object.fromEntries(
          Object.entries(f32).map(([k, t]) => [
            k,
            t.dtype === 'float32' ? { ...t, data: Float64Array.from(t.data) } : t,
          ]),
        );
        const out = interpret(graph, feeds);
        fc.pre(miningGap(feeds, out.conf_t_label!.data, c.negPos) > 1e-3);
        const total = (name: string, data: Float64Array) => {
          const r = interpret(graph, { ...feeds, [name]: { ...feeds[name]!, data } }, ['loss_l', 'loss_c']);
          return r.loss_l!.data[0]! + r.loss_c!.data[0]!;
        };
        const r = seeded(c.seed + 1);
        const eps = 1e-6;
        for (const [input, grad] of [
          ['loc_data', 'grad_loc'],
          ['conf_data', 'grad_conf'],
        ] as const) {
          const x = feeds[input]!.data as Float64Array;
          const g = out[grad]!.data;
          const directions: Float64Array[] = [];
          for (let k = 0; k < 3; k++) directions.push(Float64Array.from(x, () => 2 * r() - 1));
          for (let k = 0; k < 4; k++) {
            const e = new Float64Array(x.length);
            e[Math.floor(r() * x.length)] = 1;
            directions.push(e);
          }
          for (const v of directions) {
            const fd =
              (total(
                input,
                x.map((xi, i) => xi + eps * v[i]!),
              ) -
                total(
                  input,
                  x.map((xi, i) => xi - eps * v[i]!),
                )) /
              (2 * eps);
            const analytic = Array.from(g).reduce((s, gi, i) => s + gi * v[i]!, 0);
            expect(Math.abs(fd - analytic), `${grad}·v: analytic ${analytic}, finite difference ${fd}`).toBeLessThan(
              1e-5 * Math.max(1, Math.abs(analytic)),
            );
          }
        }
      }),
      { seed: 20240611, numRuns: 40 },
    );
  });
});
