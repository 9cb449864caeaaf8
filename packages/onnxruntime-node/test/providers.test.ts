import { join } from 'node:path';
import { LossGraphError } from '@lossgraph/core';
import { compareWithFixture, fixtureProgram, loadMultiboxFixture, repoFixturesDir } from '@lossgraph/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compile, cudaProviderStatus } from '../src/index.js';

const cuda = cudaProviderStatus();
const noCuda = cuda.available ? undefined : cuda.reason;
if (noCuda !== undefined)
  console.log(`onnxruntime-node CUDA tests: no CUDA provider here, so the GPU test is skipped (${noCuda})`);
else console.log('onnxruntime-node CUDA tests: the CUDA provider is installed, so the fallback tests are skipped');

const fixture = () => loadMultiboxFixture(join(repoFixturesDir(), 'crowded_shared_prior.safetensors'));

describe('execution providers', () => {
  afterEach(() => vi.restoreAllMocks());

  it.skipIf(noCuda === undefined)(
    "['cuda', 'cpu'] falls back to the CPU with a warning when the CUDA provider cannot load",
    async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const fx = await fixture();
      const loss = await compile(fixtureProgram(fx), { executionProviders: ['cuda', 'cpu'] });
      expect(loss.device).toBe('cpu');
      expect(loss.backend).toBe('onnxruntime-node-cpu');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(
        /execution provider 'cuda' could not start.*falling back to 'cpu'.*ONNXRUNTIME_NODE_INSTALL=cuda12/s,
      );
      expect(compareWithFixture(await loss.run(fx.inputs), fx).failures).toEqual([]);
      await loss.dispose();
    },
  );

  it.skipIf(noCuda === undefined)(
    "['cuda'] alone fails with BACKEND_UNAVAILABLE and says how to install the CUDA provider",
    async () => {
      const fx = await fixture();
      const err = await compile(fixtureProgram(fx), { executionProviders: ['cuda'] }).catch((e: unknown) => e);
      expect(LossGraphError.isInstance(err)).toBe(true);
      expect((err as LossGraphError).code).toBe('BACKEND_UNAVAILABLE');
      expect((err as LossGraphError).message).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12/);
      expect((err as LossGraphError).message).toMatch(/CUDA 12 and cuDNN 9/);
    },
  );

  it.skipIf(noCuda !== undefined)('runs a fixture on the CUDA execution provider (needs a GPU)', async () => {
    const fx = await fixture();
    const loss = await compile(fixtureProgram(fx), { executionProviders: ['cuda'] });
    expect(loss.device).toBe('cuda');
    expect(compareWithFixture(await loss.run(fx.inputs), fx).failures).toEqual([]);
    await loss.dispose();
  });

  it('reports why CUDA is unavailable, or the provider library it found', () => {
    if (cuda.available) expect(cuda.library).toMatch(/onnxruntime_providers_cuda/);
    else expect(cuda.reason.length).toBeGreaterThan(10);
  });
});
