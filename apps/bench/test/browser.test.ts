/**
 * The browser backends in real headless Chromium (one browser for this file): committed fixtures on
 * onnxruntime-web wasm and tfjs webgl, onnxruntime-web webgpu reported with its measured error, and the
 * harness's own failure paths (errors from the page keep their code, a stuck page times out and is replaced).
 */
import { GraphBuilder, LossGraphError, type CompiledLoss, type MultiboxFixture } from '@lossgraph/core';
import { compareWithFixture, fixtureName, fixtureProgram, listFixtureFiles, loadMultiboxFixture, repoFixturesDir } from '@lossgraph/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { BrowserHarness } from '../src/browser/harness.js';
import { acquireHarness } from '../src/browser/shared.js';
import { closeBackends, errorOf, named, probeBackends, titled, type ProbedBackend } from './support/backends.js';

const probed = await probeBackends((name) => name.startsWith('browser-'));
afterAll(() => closeBackends(probed), 30_000);

const files = await listFixtureFiles(repoFixturesDir());
const SMALL = files.filter((f) => !/^ssd\d+_/.test(fixtureName(f)));
const SSD300 = files.find((f) => fixtureName(f).startsWith('ssd300_'))!;
const fixtures = new Map<string, MultiboxFixture>();
const load = async (file: string) => fixtures.get(file) ?? fixtures.set(file, await loadMultiboxFixture(file)).get(file)!;

/** Runs fixtures on a backend, one compiled loss per set of loss options; returns one line per fixture. */
async function runFixtures(p: ProbedBackend, list: readonly string[]) {
  const compiled = new Map<string, CompiledLoss>();
  const rows = [];
  try {
    for (const file of list) {
      const fx = await load(file);
      const key = JSON.stringify(fx.options);
      if (!compiled.has(key)) compiled.set(key, await p.backend.compile(fixtureProgram(fx)));
      const loss = compiled.get(key)!;
      const out = await loss.run(fx.inputs);
      rows.push({ fixture: fx.name, device: loss.device, out, cmp: compareWithFixture(out, fx) });
    }
  } finally {
    for (const c of compiled.values()) await c.dispose();
  }
  for (const r of rows) {
    const d = r.cmp.diff;
    console.log(`${p.name} ${r.fixture}: ${r.cmp.pass ? 'pass' : 'FAIL'} (max error loss_l ${d.loss_l}, loss_c ${d.loss_c}, grad_loc ${d.grad_loc}, grad_conf ${d.grad_conf}) on ${r.device}`);
  }
  return rows;
}

const wasm = named(probed, 'browser-onnxruntime-web-wasm');
const webgl = named(probed, 'browser-tfjs-webgl');
const webgpu = named(probed, 'browser-onnxruntime-web-webgpu');
const testIf = (p: ProbedBackend) => (p.skip === null ? it : it.skip);

describe('browser backends on the committed fixtures', () => {
  testIf(wasm)(titled(wasm, 'small fixtures and SSD300 pass, threaded (cross-origin isolated page)'), async () => {
    const rows = await runFixtures(wasm, [...SMALL, SSD300]);
    expect(rows[0]!.device).toMatch(/^wasm \(\d+ thread\(s\), cross-origin isolated\)/);
    expect(rows[0]!.device).not.toMatch(/^wasm \(1 thread/);
    for (const r of rows) expect(r.cmp.failures, r.fixture).toEqual([]);
  }, 120_000);

  testIf(webgl)(titled(webgl, 'small fixtures pass within the FIXTURES.md tolerances'), async () => {
    const rows = await runFixtures(webgl, SMALL);
    expect(rows[0]!.device).toMatch(/^webgl \(WebGL 2, float(32|16) render textures\)/);
    for (const r of rows) expect(r.cmp.failures, r.fixture).toEqual([]);
  }, 120_000);

  // The loss graph's scatters run as host loops on webgl (its ScatterNd shader is O(n^2)), so SSD300 runs in seconds.
  testIf(webgl)(titled(webgl, 'SSD300 passes'), async () => {
    const [row] = await runFixtures(webgl, [SSD300]);
    expect(row!.cmp.failures).toEqual([]);
  }, 300_000);

  testIf(webgpu)(titled(webgpu, 'runs on a WebGPU adapter and gives finite numbers (its error is printed)'), async () => {
    const rows = await runFixtures(webgpu, [...SMALL, SSD300]);
    for (const r of rows) {
      expect(r.device).toMatch(/^webgpu \(adapter /);
      for (const name of ['loss_l', 'loss_c', 'grad_loc', 'grad_conf']) {
        expect(r.out[name]!.data.every((v) => Number.isFinite(v)), `${r.fixture} ${name}`).toBe(true);
      }
    }
    const failed = rows.filter((r) => !r.cmp.pass);
    console.log(`browser-onnxruntime-web-webgpu: ${rows.length - failed.length}/${rows.length} fixtures within tolerance${failed.map((r) => `\n  ${r.fixture}: ${r.cmp.failures.join('; ')}`).join('')}`);
  }, 120_000);
});

describe('browser harness failure paths', () => {
  const lease = acquireHarness();
  afterAll(() => lease.release(), 30_000);

  it('a missing Chromium is BACKEND_UNAVAILABLE saying how to install it', async () => {
    const saved = process.env.LOSSGRAPH_CHROMIUM;
    process.env.LOSSGRAPH_CHROMIUM = '/nonexistent/chromium';
    try {
      const e = await errorOf(() => BrowserHarness.start());
      expect(LossGraphError.isInstance(e), String(e)).toBe(true);
      expect((e as LossGraphError).code).toBe('BACKEND_UNAVAILABLE');
      expect((e as Error).message).toMatch(/Chromium not found at \/nonexistent\/chromium: install it \(Debian: apt-get install -y chromium\)/);
    } finally {
      if (saved === undefined) delete process.env.LOSSGRAPH_CHROMIUM;
      else process.env.LOSSGRAPH_CHROMIUM = saved;
    }
  });

  testIf(wasm)(titled(wasm, 'an error thrown in the page arrives as a LossGraphError with its code'), async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [2]);
    b.output('y', x.add(x));
    const graph = b.build();
    // a node reading a value that does not exist: the page's compile rejects the graph
    const broken = { ...graph, nodes: graph.nodes.map((n) => ({ ...n, inputs: n.inputs.map(() => 999) })) };
    const e = await errorOf(async () => (await lease.harness).compile('tfjs-webgl', { graph: broken }));
    expect(LossGraphError.isInstance(e), String(e)).toBe(true);
    expect((e as LossGraphError).code).toBe('INVALID_GRAPH');
    expect((e as LossGraphError).message).toMatch(/^in Chromium: /);
  }, 60_000);

  testIf(wasm)(titled(wasm, 'times runs inside the page on feeds already there, the transfers apart'), async () => {
    const harness = await lease.harness;
    const fx = await load(SMALL[0]!);
    const loss = await harness.compile('ort-wasm', fixtureProgram(fx));
    try {
      const t = await loss.timeInPage(fx.inputs, 3);
      expect(t.run_ms).toHaveLength(3);
      for (const ms of [...t.run_ms, t.feeds_in_ms, t.outputs_out_ms]) expect(ms).toBeGreaterThan(0);
      // the page's own runs still give the fixture's numbers afterwards
      expect(compareWithFixture(await loss.run(fx.inputs), fx).failures).toEqual([]);
    } finally {
      await loss.dispose();
    }
  }, 120_000);

  testIf(wasm)(titled(wasm, 'a run past its deadline fails clearly, and the next run recompiles in a fresh page'), async () => {
    const harness = await lease.harness;
    const fx = await load(SMALL[0]!);
    const loss = await harness.compile('ort-wasm', fixtureProgram(fx));
    try {
      harness.setTimeouts({ run: 1 });
      const e = await errorOf(() => loss.run(fx.inputs));
      expect(LossGraphError.isInstance(e), String(e)).toBe(true);
      expect((e as Error).message).toMatch(/running onnxruntime-web-wasm in Chromium: timed out after 1 ms/);
      harness.setTimeouts({ run: 120_000 });
      expect(compareWithFixture(await loss.run(fx.inputs), fx).failures).toEqual([]);
    } finally {
      harness.setTimeouts({ run: 300_000 });
      await loss.dispose();
    }
  }, 120_000);
});
