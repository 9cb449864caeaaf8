/**
 * Training state kept in WebGPU buffers between steps (onnxruntime-web, `stateOn: 'device'`), in headless
 * Chromium on SwiftShader: a few steps of the tiny detector agree with onnxruntime-node cpu (state on the
 * host) within float32 tolerance, the GPU buffers held stay flat from step to step (each replaced state
 * tensor is disposed), and only the loss terms and the finite check come back each step.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTrainer, multiboxTrainingLoss, type TrainerTransfers } from '@lossgraph/core';
import { loadOptimReference } from '@lossgraph/core/testing';
import { compile as compileNode } from '@lossgraph/onnxruntime-node';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageAsset } from '../src/browser/bundle.js';
import { assertChromiumPresent, launchChromium } from '../src/browser/chromium.js';
import { type PageServer, startPageServer } from '../src/browser/server.js';
import type { DeviceStateResult } from './support/device-state-page.js';

const STEPS = 4;
const ENTRY = fileURLToPath(new URL('./support/device-state-page.ts', import.meta.url));
let missing: string | null = null;
try {
  assertChromiumPresent();
} catch (e) {
  missing = (e as Error).message;
}

/** The page bundle; node:* imports of @lossgraph/core/testing (file helpers the page never calls) are stubbed. */
async function bundle(): Promise<Map<string, PageAsset>> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { main: ENTRY },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    outdir: dirname(ENTRY),
    conditions: ['source', 'onnxruntime-web-use-extern-wasm'],
    logLevel: 'silent',
    plugins: [
      {
        name: 'stub-node',
        setup(build) {
          build.onResolve({ filter: /^node:/ }, (a) => ({ path: a.path, namespace: 'stub' }));
          build.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
            contents: 'module.exports = new Proxy({}, { get: () => () => undefined });',
            loader: 'js',
          }));
        },
      },
    ],
  });
  const assets = new Map<string, PageAsset>();
  for (const file of result.outputFiles)
    if (file.path.endsWith('main.js')) assets.set('/main.js', { body: file.contents, contentType: 'text/javascript' });
  const html = '<!doctype html><meta charset="utf-8"><script type="module" src="/main.js"></script>';
  assets.set('/', { body: new TextEncoder().encode(html), contentType: 'text/html; charset=utf-8' });
  return assets;
}

describe.skipIf(missing !== null)('training state in WebGPU buffers (onnxruntime-web, Chromium)', () => {
  let server: PageServer;
  let browser: Browser;
  let result: DeviceStateResult;
  let hostLosses: Record<string, number>[];
  let hostState: Record<string, Float32Array>;
  let hostBytes: TrainerTransfers['lastStep'];

  beforeAll(async () => {
    const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
    server = await startPageServer(await bundle(), ortDist);
    browser = await launchChromium(30_000);
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => window.__deviceState !== undefined, undefined, { timeout: 30_000 });
    const ref = await loadOptimReference();
    const init = Object.fromEntries(
      [...ref.model.parameters, ...ref.model.state].map((t) => [t.name, Array.from(t.data)]),
    );
    const batch = Object.fromEntries(
      Object.entries(ref.batch).map(([n, t]) => [n, { dtype: t.dtype, shape: [...t.shape], data: Array.from(t.data) }]),
    );
    result = await page.evaluate(([i, b, s]) => window.__deviceState!(i, b, s), [init, batch, STEPS] as const);
    expect(problems).toEqual([]);
    // the reference: the same steps with the state on the host, on onnxruntime-node cpu
    const host = await createTrainer({
      model: ref.model,
      loss: multiboxTrainingLoss(),
      optimizer: { type: 'adam', lr: 0.01 },
      compile: (program, options) => compileNode(program, { ...options, executionProviders: ['cpu'] }),
    });
    hostLosses = [];
    for (let k = 0; k < STEPS; k++) hostLosses.push(await host.step(ref.batch));
    hostState = Object.fromEntries(Object.entries(host.state()).map(([n, t]) => [n, Float32Array.from(t.data)]));
    hostBytes = host.transfers().lastStep;
    await host.dispose();
    console.log(
      `webgpu state: ${result.stateLocation}, bytes per step ${JSON.stringify(result.bytes)} (host state: ${JSON.stringify(hostBytes)}); GPU buffers alive after each step ${result.liveBuffers.join(', ')}`,
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('agrees with onnxruntime-node cpu (state on the host) within float32 tolerance, step by step', () => {
    expect(result.stateLocation).toBe('gpu-buffer');
    for (const [k, losses] of result.losses.entries())
      for (const [term, value] of Object.entries(losses))
        expect(value, `step ${k + 1} ${term}`).toBeCloseTo(hostLosses[k]![term]!, 4);
    for (const [name, want] of Object.entries(hostState)) {
      const got = result.state[name]!;
      expect(got).toHaveLength(want.length);
      const diff = want.reduce((m, x, i) => Math.max(m, Math.abs(x - got[i]!)), 0);
      expect(diff, name).toBeLessThan(1e-4);
    }
  });

  it('holds the same number of GPU buffers after every step (replaced state is disposed)', () => {
    const [, second, ...rest] = result.liveBuffers;
    for (const n of rest) expect(n).toBe(second);
  });

  it('moves only the batch, the step scalars, the loss terms and the finite check', () => {
    // the two loss terms (loss_l, loss_c) and the finite check come back, 4 bytes each
    expect(result.bytes.toHost).toBe(3 * 4);
    // the batch and the optimizer's step scalars go in; with the state on the host, the whole state besides
    expect(result.bytes.toDevice).toBeLessThan(hostBytes.toDevice / 10);
    expect(result.syncReadCode).toBe('INVALID_OPTION');
  });
});
