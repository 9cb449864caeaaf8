import { describe, expect, it } from 'vitest';
import { compileReference, multiboxLoss, multiboxLossProgram, type Feeds } from '../src/index.js';
import { randomProblem } from './helpers.js';

// The MultiBoxLoss fast path (partial-sort mining). The fast-path protocol itself is tested with
// synthetic programs in define-backend.test.ts.
async function both(feeds: Feeds, topK: number) {
  const program = multiboxLossProgram({ hardNegativeTopK: topK, outputs: ['num_pos', 'conf_t_label', 'loc_t'] });
  const got = await compileReference(program).run(feeds);
  const exact = await compileReference({ graph: program.graph }).run(feeds);
  const fast = await compileReference(program.fastPath!.program).run(feeds);
  return { got, exact, fast, numPos: Array.from(exact.num_pos!.data) };
}

describe('MultiBoxLoss fast path: partial-sort mining with an exact fallback', () => {
  const feeds = randomProblem(21, 2, 60, 4, 3);

  it('gives the exact results whether the partial sort fits or not', async () => {
    for (const topK of [50, 2]) {
      const { got, exact } = await both(feeds, topK);
      expect(Object.keys(got).sort()).toEqual(Object.keys(exact).sort());
      for (const k of Object.keys(exact)) expect(Array.from(got[k]!.data), `${k}, topK ${topK}`).toEqual(Array.from(exact[k]!.data));
    }
  });

  it('the fast graph reports whether its partial sort held every hard negative', async () => {
    const fits = await both(feeds, 50);
    expect(Math.max(...fits.numPos) * 3).toBeLessThanOrEqual(50);
    expect(fits.fast.mining_overflow!.data[0]).toBe(0);
    const overflows = await both(feeds, 2);
    expect(overflows.fast.mining_overflow!.data[0]).toBe(1);
  });

  it('does not apply when P is smaller than the partial sort', () => {
    expect(multiboxLossProgram({ hardNegativeTopK: 61 }).fastPath!.applies(feeds)).toBe(false);
    expect(multiboxLossProgram({ hardNegativeTopK: 60 }).fastPath!.applies(feeds)).toBe(true);
  });

  it('the fast graph outputs mining_overflow as a bool', () => {
    const g = multiboxLoss({ hardNegativeTopK: 2 });
    expect(g.outputs.map((o) => o.name)).toContain('mining_overflow');
  });

  it('hardNegativeTopK: null turns the fast path off; bad values are rejected', () => {
    expect(multiboxLossProgram({ hardNegativeTopK: null }).fastPath).toBeUndefined();
    expect(multiboxLossProgram().fastPath).toBeDefined();
    expect(() => multiboxLossProgram({ hardNegativeTopK: 0 })).toThrow(/hardNegativeTopK/);
  });
});
