import { GraphBuilder, type HostTensor, LossGraphError } from '@lossgraph/core';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';
import { liveSessionCount } from '../src/session-cache.js';

/** y = x * 2 + 1 and its row sums: small enough to check by hand, with a symbolic batch. */
function smallGraph() {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', ['N', 3]);
  const y = x.mul(2).add(1);
  b.output('y', y);
  b.output('s', y.sum([1]));
  b.output('positive', y.greater(0));
  b.output('argmax', y.argMax(1));
  return b.build();
}

const feed = (values: number[]): { x: HostTensor } => ({
  x: { dtype: 'float32', shape: [values.length / 3, 3], data: Float32Array.from(values) },
});

describe('compiled loss lifecycle', () => {
  it('returns every output as a typed array of its dtype, and only the named ones when asked', async () => {
    const loss = await compile(smallGraph());
    const out = await loss.run(feed([1, -2, 0.5, -1, 3, 0]));
    expect(out.y!.data).toBeInstanceOf(Float32Array);
    expect(Array.from(out.y!.data)).toEqual([3, -3, 2, -1, 7, 1]);
    expect(out.s!.shape).toEqual([2]);
    expect(out.positive!.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(out.positive!.data)).toEqual([1, 0, 1, 0, 1, 1]);
    expect(out.argmax!.data).toBeInstanceOf(Int32Array);
    expect(Array.from(out.argmax!.data)).toEqual([0, 1]);
    expect(Object.keys(await loss.run(feed([0, 0, 0]), ['s']))).toEqual(['s']);
    await expect(loss.run(feed([0, 0, 0]), ['nope'])).rejects.toMatchObject({ code: 'INVALID_GRAPH' });
    await loss.dispose();
  });

  it('fails with DISPOSED after dispose(), and dispose twice is harmless', async () => {
    const loss = await compile(smallGraph());
    await loss.dispose();
    await loss.dispose();
    const err = await loss.run(feed([1, 2, 3])).catch((e: unknown) => e);
    expect(LossGraphError.isInstance(err) && err.code).toBe('DISPOSED');
  });

  it('checks feeds before running (missing input, wrong shape)', async () => {
    const loss = await compile(smallGraph());
    await expect(loss.run({})).rejects.toMatchObject({ code: 'MISSING_INPUT' });
    await expect(loss.run({ x: { dtype: 'float32', shape: [2, 4], data: new Float32Array(8) } })).rejects.toMatchObject(
      { code: 'SHAPE_MISMATCH' },
    );
    await loss.dispose();
  });

  it('runs concurrent calls on one compiled loss, each with its own result', async () => {
    const loss = await compile(smallGraph());
    const inputs = Array.from({ length: 6 }, (_, k) => feed(Array.from({ length: 3 * (k + 1) }, (_, i) => i - k)));
    const outs = await Promise.all(inputs.map((f) => loss.run(f, ['s'])));
    outs.forEach((o, k) => {
      const x = inputs[k]!.x.data;
      const want = Array.from({ length: k + 1 }, (_, r) =>
        [0, 1, 2].reduce((acc, j) => acc + 2 * x[3 * r + j]! + 1, 0),
      );
      expect(Array.from(o.s!.data)).toEqual(want);
    });
    await loss.dispose();
  });

  it('shares one session per graph and options, released with its last user', async () => {
    const before = liveSessionCount();
    const a = await compile(smallGraph());
    const b = await compile(smallGraph());
    expect(liveSessionCount()).toBe(before + 1);
    const c = await compile(smallGraph(), { graphOptimizationLevel: 'basic' });
    expect(liveSessionCount()).toBe(before + 2);
    await a.dispose();
    expect(Array.from((await b.run(feed([1, 1, 1]), ['s'])).s!.data)).toEqual([9]);
    await b.dispose();
    await c.dispose();
    expect(liveSessionCount()).toBe(before);
  });

  it('intraOpSpinning (session.intra_op.allow_spinning) is validated and runs either way', async () => {
    for (const intraOpSpinning of [false, true]) {
      const loss = await compile(smallGraph(), { intraOpSpinning, intraOpNumThreads: 2 });
      expect(Array.from((await loss.run(feed([1, 1, 1]), ['s'])).s!.data)).toEqual([9]);
      await loss.dispose();
    }
    await expect(compile(smallGraph(), { intraOpSpinning: 'no' as never })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'intraOpSpinning' },
    });
  });

  it('enableMemPattern and enableCpuMemArena are validated, run either way and key the shared session', async () => {
    const before = liveSessionCount();
    const losses: Awaited<ReturnType<typeof compile>>[] = [];
    for (const enableMemPattern of [false, true])
      for (const enableCpuMemArena of [false, true]) {
        const loss = await compile(smallGraph(), { enableMemPattern, enableCpuMemArena });
        expect(Array.from((await loss.run(feed([1, 1, 1]), ['s'])).s!.data)).toEqual([9]);
        losses.push(loss);
      }
    expect(liveSessionCount()).toBe(before + 4);
    for (const loss of losses) await loss.dispose();
    for (const option of ['enableMemPattern', 'enableCpuMemArena'])
      await expect(compile(smallGraph(), { [option]: 'no' } as never)).rejects.toMatchObject({
        code: 'INVALID_OPTION',
        details: { option },
      });
  });

  it("a misspelt option names the closest one (a misspelt 'executionProviders' never silently runs on the CPU)", async () => {
    await expect(compile(smallGraph(), { executionProvider: ['cuda'] } as never)).rejects.toThrow(
      /unknown onnxruntime-node compile option 'executionProvider' \(did you mean 'executionProviders'\?\)/,
    );
  });

  it('rejects bad options with INVALID_OPTION', async () => {
    await expect(compile(smallGraph(), { executionProviders: [] })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(compile(smallGraph(), { executionProviders: ['tpu' as 'cpu'] })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
    await expect(compile(smallGraph(), { intraOpNumThreads: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});
