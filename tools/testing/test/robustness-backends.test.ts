import { type CompiledLoss, type Feeds, type HostTensor, LossGraphError, type Outputs } from '@lossgraph/core';
import { CONTRACT_CASES } from '@lossgraph/core/conformance';
import { fixtureProgram, listFixtureFiles, loadMultiboxFixture, repoFixturesDir } from '@lossgraph/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBackends, errorOf, probeBackends, throwsSynchronously, titled } from './support/backends.js';
import { BAD_INPUTS } from './support/bad-inputs.js';
import { bitDifferences } from './support/outputs.js';
import { feedsOf, type Problem, programFor } from './support/problems.js';

// One file for every per-backend robustness check, so that browser backends share one Chromium; per
// backend one compiled loss serves the checks in order (compiles are the slow part in a browser).
const probed = await probeBackends();
afterAll(() => closeBackends(probed));

const box = (x: number, y: number, label: number) => ({ x, y, w: 0.2, h: 0.3, label });
const PROBLEM: Problem = {
  B: 3,
  P: 300,
  C: 8,
  M: 4,
  truths: [[box(0.1, 0.1, 0), box(0.4, 0.5, 6), box(0.6, 0.1, 2)], [box(0.2, 0.6, 1)], [], []],
  seed: 7,
  jaccardThresh: 0.45,
  negPos: 2.5,
  variances: [0.1, 0.2],
};
const good = feedsOf(PROBLEM);

/** The feeds with every float32 input as a Float64Array (documented as allowed), `edit` applied to it. */
function wide(feeds: Feeds, edit: (name: string, data: Float64Array) => void = () => {}): Feeds {
  return Object.fromEntries(
    Object.entries(feeds).map(([name, t]) => {
      if (t.dtype !== 'float32') return [name, t];
      const data = Float64Array.from(t.data);
      edit(name, data);
      return [name, { ...t, data } as HostTensor];
    }),
  );
}

// the SSD300-sized fixture (8732 boxes): room for multi-threaded reductions and sorts to vary. Node
// runtimes only: software WebGL/WebGPU in headless Chromium take minutes on it.
const fixturePath = (await listFixtureFiles(repoFixturesDir())).find((f) => f.includes('ssd300_random'))!;
const fx = await loadMultiboxFixture(fixturePath);

for (const p of probed) {
  const test = p.skip === null ? it : it.skip;
  describe(`${p.name}: robustness`, () => {
    let compiled: CompiledLoss;
    beforeAll(async () => {
      if (p.skip === null) compiled = await p.backend.compile(programFor(PROBLEM));
    }, 120_000);
    afterAll(async () => {
      await compiled?.dispose();
    });

    test(titled(
      p,
      'each bad input is a LossGraphError whose code and message name the tensor; the loss stays usable',
    ), async () => {
      const before = await compiled.run(good);
      for (const bad of BAD_INPUTS) {
        const e = await errorOf(() => compiled.run(bad.spoil(good)));
        expect.soft(LossGraphError.isInstance(e), `${bad.name}: not a LossGraphError: ${String(e)}`).toBe(true);
        if (!LossGraphError.isInstance(e)) continue;
        expect.soft(e.code, `${bad.name}: ${e.message}`).toBe(bad.code);
        expect.soft(e.message, bad.name).toContain(`'${bad.tensor}'`);
        for (const m of bad.mentions) expect.soft(e.message, bad.name).toMatch(m);
      }
      // a failed call leaves nothing behind that changes the next result
      expect(bitDifferences(before, await compiled.run(good))).toEqual([]);
    }, 60_000);

    test(titled(
      p,
      'determinism: three runs of one compiled loss and a run of a second compile agree bit for bit',
    ), async () => {
      const second = await p.backend.compile(programFor(PROBLEM));
      try {
        const runs = [
          await compiled.run(good),
          await compiled.run(good),
          await compiled.run(good),
          await second.run(good),
        ];
        for (const [k, run] of runs.slice(1).entries()) {
          const what = k < 2 ? `run ${k + 2} vs run 1` : 'second compile vs run 1';
          expect(bitDifferences(runs[0]!, run), what).toEqual([]);
        }
      } finally {
        await second.dispose();
      }
    }, 60_000);

    const big = p.skip === null && (p.browser || p.name === 'reference') ? it.skip : test;
    const why = p.browser
      ? ' (skipped: software WebGL/WebGPU take minutes at this size)'
      : p.name === 'reference'
        ? ' (skipped: single-threaded float64 JS)'
        : '';
    big(
      titled(p, `determinism at SSD300 size: three runs of ${fx.name} agree bit for bit${why}`),
      async () => {
        const loss = await p.backend.compile(fixtureProgram(fx));
        try {
          const runs = [await loss.run(fx.inputs), await loss.run(fx.inputs), await loss.run(fx.inputs)];
          for (const [k, run] of runs.slice(1).entries()) {
            expect(bitDifferences(runs[0]!, run), `run ${k + 2} vs run 1`).toEqual([]);
          }
        } finally {
          await loss.dispose();
        }
      },
      60_000,
    );

    test(titled(
      p,
      'concurrency: Promise.all of 8 runs on different inputs equals running them one by one, bit for bit',
    ), async () => {
      const inputs = Array.from({ length: 8 }, (_, k) => feedsOf({ ...PROBLEM, seed: 100 + k }));
      const sequential: Outputs[] = [];
      for (const feeds of inputs) sequential.push(await compiled.run(feeds));
      const concurrent = await Promise.all(inputs.map((feeds) => compiled.run(feeds)));
      for (const [k, out] of concurrent.entries()) {
        expect(bitDifferences(sequential[k]!, out), `input ${k}`).toEqual([]);
      }
      // 8 different answers, so that a mixed-up result would show
      expect(new Set(sequential.map((o) => o.loss_c!.data[0])).size).toBe(8);
    }, 60_000);

    // the reference interpreter computes in float64: it takes Float64Array values as they are
    const float32Test = p.name === 'reference' ? it.skip : test;
    float32Test(
      titled(
        p,
        `Float64Array feeds give the float32 results; values float32 cannot hold are refused, not computed with${p.name === 'reference' ? ' (skipped: float64 backend)' : ''}`,
      ),
      async () => {
        const want = await compiled.run(good);
        expect(bitDifferences(want, await compiled.run(wide(good)))).toEqual([]);
        // 1e39 is Infinity in float32
        const huge = await errorOf(() =>
          compiled.run(
            wide(good, (name, d) => {
              if (name === 'conf_data') d[3] = 1e39;
            }),
          ),
        );
        expect(LossGraphError.isInstance(huge) && huge.code, String(huge)).toBe('NON_FINITE');
        // a truth narrower than float32 resolution: xmax and xmin round to the same float32
        const M = good.targets!.shape[1]!;
        const thin = await errorOf(() =>
          compiled.run(
            wide(good, (name, d) => {
              if (name !== 'targets') return;
              d[0] = 0.3;
              d[2] = 0.3 + 1e-9;
            }),
          ),
        );
        expect(LossGraphError.isInstance(thin) && thin.code, `${String(thin)} (M = ${M})`).toBe('DEGENERATE_BOX');
      },
      60_000,
    );

    test(titled(p, 'run(null) is MISSING_INPUT'), async () => {
      const e = await errorOf(() => compiled.run(null as never));
      expect(LossGraphError.isInstance(e) && e.code, String(e)).toBe('MISSING_INPUT');
    }, 60_000);

    test(titled(p, 'a misspelt compile option is INVALID_OPTION naming it and the closest valid name'), async () => {
      const e = await errorOf(() => p.backend.compile(programFor(PROBLEM), { validte: false } as never));
      expect(LossGraphError.isInstance(e) && e.code, String(e)).toBe('INVALID_OPTION');
      expect((e as Error).message).toMatch(/'validte'.*did you mean 'validate'/);
    }, 60_000);

    // the compiled-loss contract on a synthetic program: run after dispose, run(null), float64 feeds, a misspelt option
    for (const c of CONTRACT_CASES)
      test(titled(p, c.name), () => c.run((program, options) => p.backend.compile(program, options)), 120_000);

    test(titled(p, 'an unknown output name is a LossGraphError naming it'), async () => {
      const e = await errorOf(() => compiled.run(good, ['loss_x']));
      expect(LossGraphError.isInstance(e), String(e)).toBe(true);
      expect((e as Error).message).toContain('loss_x');
    }, 60_000);

    // run() returns a Promise (CompiledLoss): `loss.run(x).catch(handle)` must see every error
    test(titled(p, 'run() reports errors as a rejected promise, never a synchronous throw'), () => {
      const bad = BAD_INPUTS[0]!.spoil(good);
      expect(
        throwsSynchronously(() => compiled.run(bad)),
        'bad input',
      ).toBe(false);
      expect(
        throwsSynchronously(() => compiled.run(good, ['loss_x'])),
        'unknown output',
      ).toBe(false);
    });

    test(titled(p, "a run after dispose() fails with LossGraphError 'DISPOSED'"), async () => {
      await compiled.dispose();
      expect
        .soft(
          throwsSynchronously(() => compiled.run(good)),
          'run() after dispose() threw synchronously, not a rejected promise',
        )
        .toBe(false);
      const e = await errorOf(() => compiled.run(good));
      expect(LossGraphError.isInstance(e) && e.code, String(e)).toBe('DISPOSED');
      await compiled.dispose(); // a second dispose is harmless
    }, 60_000);
  });
}
