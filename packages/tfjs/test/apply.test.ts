// tfjs-core registers no gradients of its own kernels (tf.add below needs Add's): in Node they come with
// @tensorflow/tfjs or @tensorflow/tfjs-layers, as for any tfjs training. apply() itself needs none.
import '@tensorflow/tfjs-layers';
import { existsSync } from 'node:fs';
import type { HostTensor, Outputs } from '@lossgraph/core';
import { fixtureOutputs } from '@lossgraph/core';
import {
  compareWithFixture,
  fixtureName,
  fixtureProgram,
  listFixtureFiles,
  loadFixture,
  repoFixturesDir,
  sampleFixturePath,
} from '@lossgraph/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';
import { TEST_BACKENDS } from './backends.js';

// way (b) on every committed fixture but the large SSD512 one (its way (a) test covers it), and the sample
const files = (await listFixtureFiles(repoFixturesDir())).filter((p) => !fixtureName(p).startsWith('ssd512'));
if (existsSync(sampleFixturePath())) files.push(sampleFixturePath());

const host = async (t: tf.Tensor): Promise<HostTensor> => ({
  dtype: 'float32',
  shape: t.shape,
  data: (await t.data()) as Float32Array,
});

/** Way (b): tfjs autodiff through apply() (tf.grads of the sum of the loss terms) against the fixture's gradients. */
async function checkAutodiff(path: string, backend: string): Promise<void> {
  const fx = await loadFixture(path);
  const { losses, gradients, gradientOf } = fixtureOutputs(fx.loss);
  const wrt = gradients.map((g) => gradientOf[g]!);
  const loss = await compile(fixtureProgram(fx, { gradients: false }), { backend });
  const inputs: Record<string, tf.Tensor> = Object.fromEntries(
    Object.entries(fx.inputs).map(([n, h]) => [n, tf.tensor(h.data, [...h.shape], h.dtype)]),
  );
  try {
    const total = (...xs: tf.Tensor[]) => {
      const out = loss.apply({ ...inputs, ...Object.fromEntries(wrt.map((n, i) => [n, xs[i]!])) }, losses);
      return tf.addN(losses.map((n) => out[n]!)) as tf.Scalar;
    };
    const grads = tf.grads(total)(wrt.map((n) => inputs[n]!));
    const forward = loss.apply(inputs, losses);
    const out: Outputs = {};
    for (const n of losses) out[n] = await host(forward[n]!);
    for (const [i, g] of gradients.entries()) out[g] = await host(grads[i]!);
    tf.dispose([...grads, ...Object.values(forward)]);
    const cmp = compareWithFixture(out, fx);
    expect(cmp.failures, `${fx.name} on tfjs-${backend}: ${JSON.stringify(cmp.diff)}`).toEqual([]);
  } finally {
    tf.dispose(Object.values(inputs));
    await loss.dispose();
  }
}

for (const backend of TEST_BACKENDS) {
  describe(`fixtures, apply() + tf.grads, tfjs-${backend}`, () => {
    for (const path of files) it(fixtureName(path), () => checkAutodiff(path, backend));
  });
}
