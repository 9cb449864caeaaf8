import { type Feeds, LossGraphError, type MultiboxInput, multiboxLossProgram } from '@lossgraph/core';
import { fixtureProgram, listFixtureFiles, loadMultiboxFixture, repoFixturesDir } from '@lossgraph/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';
import { TEST_BACKENDS } from './backends.js';

const path = (await listFixtureFiles(repoFixturesDir())).find((p) => p.includes('crowded_shared_prior'))!;
const fx = await loadMultiboxFixture(path);
const RUNS = 100;

for (const backend of TEST_BACKENDS) {
  describe(`no leaked tensors, tfjs-${backend}`, () => {
    it(`${RUNS} runs of run() and of apply() (plain and under tf.grads) leave tf.memory().numTensors unchanged`, async () => {
      await tf.setBackend(backend);
      const beforeCompile = tf.memory().numTensors;
      const a = await compile(fixtureProgram(fx), { backend });
      const b = await compile(multiboxLossProgram({ ...fx.options, gradients: false }), { backend });
      const inputs = Object.fromEntries(
        Object.entries(fx.inputs).map(([n, h]) => [n, tf.tensor(h.data, [...h.shape], h.dtype)]),
      ) as Record<MultiboxInput, tf.Tensor>;
      const before = tf.memory().numTensors;

      for (let i = 0; i < RUNS; i++) await a.run(fx.inputs);
      expect(tf.memory().numTensors, 'after run()').toBe(before);

      for (let i = 0; i < RUNS; i++) tf.dispose(Object.values(b.apply(inputs)));
      expect(tf.memory().numTensors, 'after apply()').toBe(before);

      // (tf.add of the two losses would need tfjs's registered Add gradient: each loss on its own here)
      for (let i = 0; i < RUNS; i++) {
        const gLoc = tf.grad((loc: tf.Tensor) => b.apply({ ...inputs, loc_data: loc }).loss_l!)(inputs.loc_data!);
        const gConf = tf.grad((conf: tf.Tensor) => b.apply({ ...inputs, conf_data: conf }).loss_c!)(inputs.conf_data!);
        tf.dispose([gLoc, gConf]);
      }
      expect(tf.memory().numTensors, 'after tf.grads over apply()').toBe(before);

      tf.dispose(Object.values(inputs));
      await a.dispose();
      await b.dispose();
      expect(tf.memory().numTensors, 'after dispose()').toBe(beforeCompile);
    });

    it('failed runs (bad input, a kernel error) leave no tensors behind', async () => {
      await tf.setBackend(backend);
      const loss = await compile(fixtureProgram(fx), { backend });
      const before = tf.memory().numTensors;
      const badLabels = fx.inputs.targets.data.slice();
      badLabels[4] = 999; // a label outside [0, C-2]
      const bad: Feeds = { ...fx.inputs, targets: { ...fx.inputs.targets, data: badLabels } };
      await expect(loss.run(bad)).rejects.toSatisfy(
        (e) => LossGraphError.isInstance(e) && e.code === 'LABEL_OUT_OF_RANGE',
      );
      // without validation the bad label reaches the kernels: an index out of range (cpu) or a result,
      // never a leak
      const unchecked = await compile(fixtureProgram(fx), { backend, validate: false });
      const mid = tf.memory().numTensors;
      await unchecked.run(bad).catch((e: unknown) => expect(LossGraphError.isInstance(e)).toBe(true));
      expect(tf.memory().numTensors).toBe(mid);
      await unchecked.dispose();
      expect(tf.memory().numTensors).toBe(before);
      await loss.dispose();
    });
  });
}
