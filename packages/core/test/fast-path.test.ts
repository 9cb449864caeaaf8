import { describe, expect, it } from 'vitest';
import { compileReference, compileWithFastPath, GraphBuilder, type Feeds, type LossProgram } from '../src/index.js';

/**
 * A tiny synthetic pair for the generic fast-path protocol: the exact program sums x (non-negative
 * here); the fast one sums only its 4 largest entries and flags `overflow` when the others add up to more than 0.
 */
function program(): LossProgram {
  const exact = new GraphBuilder();
  exact.output('y', exact.input('x', 'float32', ['N']).sum());
  const fast = new GraphBuilder();
  const x = fast.input('x', 'float32', ['N']);
  const head = x.topk(4, 0)[0].sum();
  fast.output('y', head);
  fast.output('overflow', x.sum().greater(head));
  return {
    graph: exact.build(),
    fastPath: {
      program: { graph: fast.build() },
      applies: (feeds: Feeds) => (feeds.x?.shape[0] ?? 0) >= 4,
      flags: ['overflow'],
      accept: (out) => out.overflow?.data[0] === 0,
    },
  };
}

const feeds = (values: number[]): Feeds => ({ x: { dtype: 'float32', shape: [values.length], data: Float32Array.from(values) } });

describe('fast path protocol (compileWithFastPath)', () => {
  it('returns the fast result when it applies and stands, without its flags', async () => {
    const staged = await compileWithFastPath(program(), compileReference);
    const out = await staged.run(feeds([1, 2, 3, 4, 0, 0]));
    expect(staged.stats).toEqual({ fast: 1, exact: 0 });
    expect(Object.keys(out)).toEqual(['y']);
    expect(out.y!.data[0]).toBe(10);
  });

  it('falls back to the exact program when the fast result does not stand', async () => {
    const staged = await compileWithFastPath(program(), compileReference);
    expect((await staged.run(feeds([1, 2, 3, 4, 5]))).y!.data[0]).toBe(15);
    expect(staged.stats).toEqual({ fast: 0, exact: 1 });
  });

  it('runs the exact program where the fast one does not apply', async () => {
    const staged = await compileWithFastPath(program(), compileReference);
    expect((await staged.run(feeds([1, 2]))).y!.data[0]).toBe(3);
    expect(staged.stats).toEqual({ fast: 0, exact: 1 });
  });
});
