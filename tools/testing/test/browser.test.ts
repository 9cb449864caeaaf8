/**
 * The browser backends in real headless Chromium (one browser for this file): what each says runs it,
 * and the harness's own failure paths (errors from the page keep their code, a stuck page times out and is replaced).
 */
import { type Fixture, GraphBuilder, LossGraphError } from '@lossgraph/core';
import {
  compareWithFixture,
  fixtureFeeds,
  fixtureName,
  fixtureProgram,
  listFixtureFiles,
  loadFixture,
  repoFixturesDir,
} from '@lossgraph/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { isPageLoss } from '../src/browser/backend.js';
import { BrowserHarness } from '../src/browser/harness.js';
import { acquireHarness } from '../src/browser/shared.js';
import { closeBackends, errorOf, named, type ProbedBackend, probeBackends, titled } from './support/backends.js';

const probed = await probeBackends((name) => name.startsWith('browser-'));
afterAll(() => closeBackends(probed), 30_000);

const files = await listFixtureFiles(repoFixturesDir());
const SMALL = files.filter((f) => !/(^|_)ssd\d+_/.test(fixtureName(f)));
const fixtures = new Map<string, Fixture>();
const load = async (file: string) => fixtures.get(file) ?? fixtures.set(file, await loadFixture(file)).get(file)!;

const wasm = named(probed, 'browser-onnxruntime-web-wasm');
const webgl = named(probed, 'browser-tfjs-webgl');
const webgpu = named(probed, 'browser-onnxruntime-web-webgpu');
const testIf = (p: ProbedBackend) => (p.skip === null ? it : it.skip);

// Numbers (op cases, every fixture) are checked by browser-conformance-*.test.ts; here, what runs them.
describe('browser backends say what runs them', () => {
  const deviceOf = async (p: ProbedBackend) => {
    const loss = await p.backend.compile(fixtureProgram(await load(SMALL[0]!)));
    await loss.dispose();
    return loss.device;
  };
  testIf(wasm)(
    titled(wasm, 'onnxruntime-web wasm runs threaded (cross-origin isolated page)'),
    async () => {
      const device = await deviceOf(wasm);
      expect(device).toMatch(/^wasm \(\d+ thread\(s\), cross-origin isolated\)/);
      expect(device).not.toMatch(/^wasm \(1 thread/);
    },
    120_000,
  );
  for (const ort of [wasm, webgpu]) {
    testIf(ort)(
      titled(
        ort,
        'threaded onnxruntime-web scans values even with validate: false (a label out of range is refused, never a worker error)',
      ),
      async () => {
        const fx = await load(files.find((f) => fixtureName(f) === 'sample_p64_c4')!);
        const loss = await ort.backend.compile(fixtureProgram(fx), { validate: false });
        const feeds = fixtureFeeds(fx);
        const targets = Float32Array.from(feeds.targets!.data);
        targets[4] = 1000; // image 0, row 0: label_ind far past C - 2
        const e = await errorOf(() => loss.run({ ...feeds, targets: { ...feeds.targets!, data: targets } }));
        await loss.dispose();
        expect((e as LossGraphError).code, String(e)).toBe('LABEL_OUT_OF_RANGE');
      },
      120_000,
    );
  }
  testIf(webgl)(
    titled(webgl, 'tfjs webgl names its WebGL version and render textures'),
    async () => {
      expect(await deviceOf(webgl)).toMatch(/^webgl \(WebGL 2, float(32|16) render textures\)/);
    },
    120_000,
  );
  testIf(webgpu)(
    titled(webgpu, 'onnxruntime-web webgpu names its adapter'),
    async () => {
      expect(await deviceOf(webgpu)).toMatch(/^webgpu \(adapter /);
    },
    120_000,
  );
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
      expect((e as Error).message).toMatch(
        /Chromium not found at \/nonexistent\/chromium: install it \(Debian: apt-get install -y chromium\)/,
      );
    } finally {
      if (saved === undefined) delete process.env.LOSSGRAPH_CHROMIUM;
      else process.env.LOSSGRAPH_CHROMIUM = saved;
    }
  });

  testIf(wasm)(
    titled(wasm, 'an error thrown in the page arrives as a LossGraphError with its code'),
    async () => {
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
    },
    60_000,
  );

  testIf(wasm)(
    titled(
      wasm,
      'times runs inside the page on feeds already there, the transfers apart (through the bench backend, as bench perf does)',
    ),
    async () => {
      const fx = await load(SMALL[0]!);
      const loss = await wasm.backend.compile(fixtureProgram(fx));
      // the bench backend wraps the page's loss with core's defineBackend: timeInPage must survive that
      if (!isPageLoss(loss)) {
        await loss.dispose();
        throw new Error(`${loss.backend}: the compiled loss has no timeInPage, so bench perf would time transfers too`);
      }
      try {
        const t = await loss.timeInPage(fx.inputs, 3);
        expect(t.run_ms).toHaveLength(3);
        for (const ms of [...t.run_ms, t.feeds_in_ms, t.outputs_out_ms]) expect(ms).toBeGreaterThan(0);
        // the page's own runs still give the fixture's numbers afterwards
        expect(compareWithFixture(await loss.run(fx.inputs), fx).failures).toEqual([]);
      } finally {
        await loss.dispose();
      }
      // and a disposed loss does not time
      expect(((await errorOf(() => loss.timeInPage(fx.inputs, 1))) as LossGraphError).code).toBe('DISPOSED');
    },
    120_000,
  );

  testIf(wasm)(
    titled(wasm, 'a run past its deadline fails clearly, and the next run recompiles in a fresh page'),
    async () => {
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
    },
    120_000,
  );
});
