import { type Feeds, GraphBuilder, LossGraphError, multiboxLossProgram } from '@lossgraph/core';
import { compile } from '@lossgraph/onnxruntime-web';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** y = x * 2 + b, s = sum(y): tiny, with a symbolic dim. */
function tinyGraph() {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', ['N', 3]);
  const bias = b.input('b', 'float32', [3]);
  const y = x.mul(2).add(bias);
  b.output('y', y);
  b.output('s', y.sum());
  return b.build();
}

const feeds = (n: number): Feeds => ({
  x: { dtype: 'float32', shape: [n, 3], data: Float32Array.from({ length: n * 3 }, (_, i) => i) },
  b: { dtype: 'float32', shape: [3], data: Float32Array.from([1, -1, 0.5]) },
});

async function errorOf(fn: () => Promise<unknown>): Promise<LossGraphError> {
  try {
    await fn();
  } catch (e) {
    if (LossGraphError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected a LossGraphError');
}

afterEach(() => vi.restoreAllMocks());

describe('@lossgraph/onnxruntime-web in Node', () => {
  it('a compile that does not finish within timeouts.compile rejects with TIMEOUT instead of waiting (the production-build hang)', async () => {
    // opening a session for the whole MultiBoxLoss takes far longer than 1 ms, as a stuck one would
    const e = await errorOf(() => compile(multiboxLossProgram(), { timeouts: { compile: 1 } }));
    expect(e.code).toBe('TIMEOUT');
    expect(e.message).toMatch(/onnxruntime-web.*compile did not finish within 1 ms \(timeouts\.compile\)/);
    expect(e.details).toMatchObject({ stage: 'compile', timeoutMs: 1 });
    // the runtime is not left broken: the next compile (its session opened normally) runs
    const loss = await compile(tinyGraph());
    expect((await loss.run(feeds(2), ['s'])).s!.data[0]).toBeCloseTo(31, 4); // sum of 2·(0..5) + 2·(1, -1, 0.5)
    await loss.dispose();
  });

  it('runs one session for every batch size and returns every output, or the requested ones', async () => {
    const loss = await compile(tinyGraph());
    expect(loss.device).toBe('wasm');
    expect(loss.backend).toBe('onnxruntime-web-wasm');
    expect(loss.outputNames).toEqual(['y', 's']);
    for (const n of [1, 4]) {
      const out = await loss.run(feeds(n));
      expect(out.y!.shape).toEqual([n, 3]);
      expect(out.y!.data).toBeInstanceOf(Float32Array);
      const want = Array.from({ length: n * 3 }, (_, i) => i * 2 + [1, -1, 0.5][i % 3]!);
      expect(Array.from(out.y!.data)).toEqual(want);
      expect(out.s!.shape).toEqual([]);
      expect(out.s!.data[0]).toBeCloseTo(
        want.reduce((a, v) => a + v, 0),
        4,
      );
    }
    expect(Object.keys(await loss.run(feeds(2), ['s']))).toEqual(['s']);
    await loss.dispose();
  });

  it('queues concurrent runs on one session', async () => {
    const loss = await compile(tinyGraph());
    const outs = await Promise.all([1, 2, 3, 4].map((n) => loss.run(feeds(n))));
    expect(outs.map((o) => o.y!.shape[0])).toEqual([1, 2, 3, 4]);
    await loss.dispose();
  });

  it('rejects bad options with INVALID_OPTION', async () => {
    const bad = [
      { executionProviders: [] },
      { executionProviders: ['cuda'] },
      { executionProviders: ['wasm', 'wasm'] },
      { numThreads: 0 },
      { numThreads: 1.5 },
      { graphOptimizationLevel: 'max' },
    ];
    for (const options of bad) {
      const e = await errorOf(() => compile(tinyGraph(), options as never));
      expect(e.code, JSON.stringify(options)).toBe('INVALID_OPTION');
    }
  });

  it("['webgpu'] alone fails with BACKEND_UNAVAILABLE and the reason", async () => {
    const e = await errorOf(() => compile(tinyGraph(), { executionProviders: ['webgpu'] }));
    expect(e.code).toBe('BACKEND_UNAVAILABLE');
    expect(e.message).toMatch(/webgpu: WebGPU is not available outside a browser/);
  });

  it("['webgpu', 'wasm'] falls back to wasm with a warning, and says so in device", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const loss = await compile(tinyGraph(), { executionProviders: ['webgpu', 'wasm'] });
    expect(loss.device).toBe('wasm');
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/execution provider 'webgpu' could not start .*falling back to 'wasm'/),
    );
    expect((await loss.run(feeds(2))).y!.data[0]).toBe(1);
    await loss.dispose();
  });

  it('warns when a later compile asks for another thread count (ORT reads it once)', async () => {
    await (await compile(tinyGraph())).dispose();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await (await compile(tinyGraph(), { numThreads: 3 })).dispose();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/numThreads 3 .* ignored/));
  });

  it('checks feeds before running: a wrong shape, an unknown output, and the program validation', async () => {
    const loss = await compile(tinyGraph());
    const wrong = { ...feeds(2), b: { dtype: 'float32', shape: [4], data: new Float32Array(4) } } as Feeds;
    expect((await errorOf(() => loss.run(wrong))).code).toBe('SHAPE_MISMATCH');
    expect((await errorOf(() => loss.run(feeds(2), ['nope']))).code).toBe('INVALID_GRAPH');
    await loss.dispose();

    const program = multiboxLossProgram();
    const mb = await compile(program);
    const B = 1,
      P = 2,
      C = 3,
      M = 1;
    const bad: Feeds = {
      loc_data: { dtype: 'float32', shape: [B, P, 4], data: new Float32Array(B * P * 4).fill(NaN) },
      conf_data: { dtype: 'float32', shape: [B, P, C], data: new Float32Array(B * P * C) },
      dbox_list: { dtype: 'float32', shape: [P, 4], data: Float32Array.from([0.3, 0.3, 0.2, 0.2, 0.7, 0.7, 0.2, 0.2]) },
      targets: { dtype: 'float32', shape: [B, M, 5], data: Float32Array.from([0.2, 0.2, 0.4, 0.4, 0]) },
      num_objs: { dtype: 'int32', shape: [B], data: Int32Array.from([1]) },
    };
    expect((await errorOf(() => mb.run(bad))).code).toBe('NON_FINITE');
    await mb.dispose();
  });

  it('with several wasm threads, value checks run even with validate: false (a failing kernel would corrupt the runtime)', async () => {
    const mb = await compile(multiboxLossProgram(), { validate: false });
    const B = 1,
      P = 2,
      C = 3,
      M = 1;
    const outOfRange: Feeds = {
      loc_data: { dtype: 'float32', shape: [B, P, 4], data: new Float32Array(B * P * 4) },
      conf_data: { dtype: 'float32', shape: [B, P, C], data: new Float32Array(B * P * C) },
      dbox_list: { dtype: 'float32', shape: [P, 4], data: Float32Array.from([0.3, 0.3, 0.2, 0.2, 0.7, 0.7, 0.2, 0.2]) },
      targets: { dtype: 'float32', shape: [B, M, 5], data: Float32Array.from([0.2, 0.2, 0.4, 0.4, 50]) },
      num_objs: { dtype: 'int32', shape: [B], data: Int32Array.from([1]) },
    };
    // this process's onnxruntime-web started with the default threads (up to 4 by available cores)
    const threads = (await import('onnxruntime-web')).env.wasm.numThreads ?? 1;
    const e = await mb.run(outOfRange).then(
      () => undefined,
      (error: unknown) => error as LossGraphError,
    );
    if (threads > 1) expect(e?.code, String(e)).toBe('LABEL_OUT_OF_RANGE');
    else expect(e === undefined || e.code === 'KERNEL_ERROR', String(e)).toBe(true);
    await mb.dispose();
  });

  it('fails with DISPOSED after dispose(), and dispose() twice is harmless', async () => {
    const loss = await compile(tinyGraph());
    await loss.dispose();
    await loss.dispose();
    expect((await errorOf(() => loss.run(feeds(1)))).code).toBe('DISPOSED');
  });
});
