import { describe, expect, it } from 'vitest';
import { compileReference, compileWithFastPath, multiboxLoss, multiboxLossProgram, type Feeds } from '../src/index.js';
import { randomProblem } from './helpers.js';

async function both(feeds: Feeds, topK: number) {
  const program = multiboxLossProgram({ hardNegativeTopK: topK, outputs: ['num_pos', 'conf_t_label', 'loc_t'] });
  const staged = await compileWithFastPath(program, compileReference);
  const exact = await compileReference({ graph: program.graph, validateInputs: program.validateInputs }).run(feeds);
  const got = await staged.run(feeds);
  return { got, exact, stats: staged.stats, numPos: Array.from(exact.num_pos!.data) };
}

describe('fast path: partial-sort mining with an exact fallback', () => {
  const feeds = randomProblem(21, 2, 60, 4, 3);

  it('takes the partial sort when every image fits in it, with identical results', async () => {
    const { got, exact, stats, numPos } = await both(feeds, 50);
    expect(Math.max(...numPos) * 3).toBeLessThanOrEqual(50);
    expect(stats).toEqual({ fast: 1, exact: 0 });
    expect(Object.keys(got).sort()).toEqual(Object.keys(exact).sort());
    for (const k of Object.keys(exact)) expect(Array.from(got[k]!.data), k).toEqual(Array.from(exact[k]!.data));
  });

  it('falls back to the full sort when an image needs more hard negatives than the partial sort holds', async () => {
    const { got, exact, stats, numPos } = await both(feeds, 2);
    expect(Math.max(...numPos) * 3).toBeGreaterThan(2);
    expect(stats).toEqual({ fast: 0, exact: 1 });
    for (const k of Object.keys(exact)) expect(Array.from(got[k]!.data), k).toEqual(Array.from(exact[k]!.data));
  });

  it('does not apply when P is smaller than the partial sort', async () => {
    const { stats } = await both(feeds, 61);
    expect(stats).toEqual({ fast: 0, exact: 1 });
  });

  it('the fast graph reports the overflow itself', async () => {
    const g = multiboxLoss({ hardNegativeTopK: 2 });
    expect(g.outputs.map((o) => o.name)).toContain('mining_overflow');
    const out = await compileReference(g).run(feeds);
    expect(out.mining_overflow!.dtype).toBe('bool');
    expect(out.mining_overflow!.data[0]).toBe(1);
  });

  it('hardNegativeTopK: null turns the fast path off; bad values are rejected', () => {
    expect(multiboxLossProgram({ hardNegativeTopK: null }).fastPath).toBeUndefined();
    expect(multiboxLossProgram().fastPath).toBeDefined();
    expect(() => multiboxLossProgram({ hardNegativeTopK: 0 })).toThrow(/hardNegativeTopK/);
  });
});
