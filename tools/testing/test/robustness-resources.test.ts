import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type CompiledLoss, type Feeds, LossGraphError } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { closeBackends, errorOf, named, probeBackends, titled } from './support/backends.js';
import { BAD_INPUTS } from './support/bad-inputs.js';
import { feedsOf, type Problem, programFor } from './support/problems.js';

// Node backends only: memory is measured in this process
const probed = await probeBackends((name) => !name.startsWith('browser-'));
afterAll(() => closeBackends(probed));

/** A full garbage collection, so that RSS reflects live memory rather than garbage not yet collected. */
const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

const OPTIONS = { jaccardThresh: 0.5, negPos: 3, variances: [0.1, 0.2] as const };
const box = (x: number, y: number, label: number) => ({ x, y, w: 0.3, h: 0.3, label });
const TINY: Problem = { B: 1, P: 8, C: 3, M: 2, truths: [[box(0.2, 0.2, 1)], [], [], []], seed: 1, ...OPTIONS };
const NAN_LOC = BAD_INPUTS.find((b) => b.code === 'NON_FINITE')!;

async function expectRejected(compiled: CompiledLoss, feeds: Feeds, code: string): Promise<void> {
  const e = await errorOf(() => compiled.run(feeds));
  expect(LossGraphError.isInstance(e) && e.code, String(e)).toBe(code);
}

describe('tfjs: no tensor leaks', () => {
  for (const name of ['tfjs-cpu', 'tfjs-wasm']) {
    const p = named(probed, name);
    const test = p.skip === null ? it : it.skip;
    test(titled(p, '1000 runs, with failed ones among them, keep tf.memory().numTensors constant'), async () => {
      const compiled = await p.backend.compile(programFor(OPTIONS));
      try {
        const feeds = feedsOf(TINY);
        const bad = NAN_LOC.spoil(feeds);
        for (let i = 0; i < 3; i++) await compiled.run(feeds); // warm-up: kernels, plans, constants
        const start = tf.memory().numTensors;
        const seen = new Set<number>();
        for (let i = 1; i <= 1000; i++) {
          await compiled.run(feeds);
          if (i % 50 === 0) await expectRejected(compiled, bad, 'NON_FINITE');
          if (i % 100 === 0) seen.add(tf.memory().numTensors);
        }
        console.log(`${name}: numTensors ${start} before, ${[...seen].join(', ')} during 1000 runs (and 20 rejected)`);
        expect([...seen]).toEqual([start]);
      } finally {
        await compiled.dispose();
      }
    }, 120_000);

    test(titled(p, 'a run that fails inside the graph (validation off, M = 0) leaves no tensors behind'), async () => {
      const { compile } = await import('@lossgraph/tfjs');
      const compiled = await compile(programFor(OPTIONS), { backend: name.replace('tfjs-', ''), validate: false });
      try {
        const feeds = feedsOf(TINY);
        await compiled.run(feeds);
        const start = tf.memory().numTensors;
        const empty = BAD_INPUTS.find((b) => b.name === 'an empty M axis')!.spoil(feeds);
        // without validation, the empty M axis reaches a gather with no valid index: a kernel error
        const e = await errorOf(() => compiled.run(empty));
        expect(LossGraphError.isInstance(e), String(e)).toBe(true);
        expect(tf.memory().numTensors).toBe(start);
        await compiled.run(feeds);
        expect(tf.memory().numTensors).toBe(start);
      } finally {
        await compiled.dispose();
      }
    }, 60_000);
  }
});

// inputs big enough (about 60 kB in, 60 kB of gradients out per run) that a per-run leak of feeds,
// outputs or ORT tensors would add tens of MB over the runs
const MEDIUM: Problem = {
  B: 2,
  P: 500,
  C: 10,
  M: 4,
  truths: [[box(0.1, 0.1, 0), box(0.5, 0.5, 4)], [box(0.3, 0.2, 8)], [], []],
  seed: 3,
  ...OPTIONS,
};
const RSS_BOUND_MB = 40;

describe('ONNX Runtime: resident memory does not grow with runs', () => {
  // onnxruntime-web-wasm is left out: its wasm heap only grows in big steps, and a run costs ~20 ms, so a
  // meaningful RSS check would take longer than the budget of this suite
  for (const [name, runs] of [['onnxruntime-node-cpu', 1000]] as const) {
    const p = named(probed, name);
    const test = p.skip === null ? it : it.skip;
    test(titled(
      p,
      `RSS after ${runs} more runs (failed ones among them) stays within ${RSS_BOUND_MB} MB of RSS after warm-up`,
    ), async () => {
      const compiled = await p.backend.compile(programFor(OPTIONS));
      try {
        const feeds = feedsOf(MEDIUM);
        const bad = NAN_LOC.spoil(feeds);
        const mb = () => process.memoryUsage().rss / 2 ** 20;
        for (let i = 0; i < 200; i++) await compiled.run(feeds); // warm-up: arenas and caches reach their size
        gc();
        const before = mb();
        const samples: number[] = [];
        for (let i = 1; i <= runs; i++) {
          await compiled.run(feeds);
          if (i % 25 === 0) await expectRejected(compiled, bad, 'NON_FINITE');
          if (i % (runs / 4) === 0) {
            gc();
            samples.push(mb());
          }
        }
        const growth = samples[samples.length - 1]! - before;
        console.log(
          `${name}: RSS ${before.toFixed(1)} MB after warm-up; ${samples.map((s) => s.toFixed(1)).join(', ')} MB every ${runs / 4} runs; growth ${growth.toFixed(1)} MB`,
        );
        expect(growth).toBeLessThan(RSS_BOUND_MB);
      } finally {
        await compiled.dispose();
      }
    }, 120_000);
  }
});
