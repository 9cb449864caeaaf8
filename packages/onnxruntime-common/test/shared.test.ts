import { LossGraphError } from '@lossgraph/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { firstThatStarts, fromOrtOutputs } from '../src/index.js';

afterEach(() => vi.restoreAllMocks());

describe('execution-provider fallback', () => {
  it('uses the first provider that starts and warns about each one skipped, naming the next', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const got = await firstThatStarts(
      'onnxruntime-x',
      ['gpu', 'npu', 'cpu'],
      async (ep) => {
        if (ep !== 'cpu') throw new Error(`no ${ep} here`);
        return 'session';
      },
      () => 'install the gpu provider',
    );
    expect(got).toEqual({ ep: 'cpu', opened: 'session' });
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      "@lossgraph/onnxruntime-x: execution provider 'gpu' could not start (no gpu here); falling back to 'npu'. install the gpu provider",
      "@lossgraph/onnxruntime-x: execution provider 'npu' could not start (no npu here); falling back to 'cpu'. install the gpu provider",
    ]);
  });

  it('when none starts, one BACKEND_UNAVAILABLE error lists every candidate and why', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const e = await firstThatStarts('onnxruntime-x', ['gpu', 'cpu'], async (ep) => {
      throw new Error(`${ep} is broken`);
    }).catch((error: unknown) => error);
    expect(LossGraphError.isInstance(e) && e.code).toBe('BACKEND_UNAVAILABLE');
    expect((e as Error).message).toBe(
      'onnxruntime-x: no execution provider could start (gpu: gpu is broken; cpu: cpu is broken)',
    );
    expect((e as LossGraphError).details).toEqual({
      runtime: 'onnxruntime-x',
      executionProviders: ['gpu', 'cpu'],
      failures: [
        { executionProvider: 'gpu', reason: 'gpu is broken' },
        { executionProvider: 'cpu', reason: 'cpu is broken' },
      ],
    });
  });
});

describe('outputs', () => {
  it('names a missing output and a dtype the IR does not have', () => {
    const t = { type: 'float32', dims: [2], data: Float32Array.from([1, 2]) };
    expect(fromOrtOutputs('rt', { y: t } as never, ['y']).y!.data).toBe(t.data);
    expect(() => fromOrtOutputs('rt', {} as never, ['y'])).toThrow(
      expect.objectContaining({ code: 'KERNEL_ERROR', details: { runtime: 'rt', tensor: 'y' } }),
    );
    expect(() => fromOrtOutputs('rt', { y: { ...t, type: 'int64' } } as never, ['y'])).toThrow(
      /returned output 'y' as int64/,
    );
  });
});
