// tfjs-core registers no gradients of its own kernels (tf.add below needs Add's): in Node they come with
// @tensorflow/tfjs or @tensorflow/tfjs-layers, as for any tfjs training. apply() itself needs none.
import '@tensorflow/tfjs-layers';
import { existsSync } from 'node:fs';
import type { HostTensor, Outputs } from '@lossgraph/core';
import { multiboxLossProgram } from '@lossgraph/core';
import { compareWithFixture, fixtureName, listFixtureFiles, loadMultiboxFixture, repoFixturesDir, sampleFixturePath } from '@lossgraph/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';
import { TEST_BACKENDS } from './backends.js';

// way (b) on every committed fixture but the large SSD512 one (its way (a) test covers it), and the sample
const files = (await listFixtureFiles(repoFixturesDir())).filter((p) => !fixtureName(p).startsWith('ssd512'));
if (existsSync(sampleFixturePath())) files.push(sampleFixturePath());

const host = async (t: tf.Tensor): Promise<HostTensor> => ({ dtype: 'float32', shape: t.shape, data: (await t.data()) as Float32Array });

/** Way (b): tfjs autodiff through apply() (tf.grads of loss_l + loss_c) against the fixture's gradients. */
async function checkAutodiff(path: string, backend: string): Promise<void> {
  const fx = await loadMultiboxFixture(path);
  const loss = await compile(multiboxLossProgram({ ...fx.options, gradients: false }), { backend });
  const inputs = Object.fromEntries(Object.entries(fx.inputs).map(([n, h]) => [n, tf.tensor(h.data, [...h.shape], h.dtype)]));
  try {
    const total = (loc: tf.Tensor, conf: tf.Tensor) => {
      const { loss_l, loss_c } = loss.apply({ ...inputs, loc_data: loc, conf_data: conf });
      return tf.add(loss_l!, loss_c!);
    };
    const [gLoc, gConf] = tf.grads(total)([inputs.loc_data!, inputs.conf_data!]);
    const { loss_l, loss_c } = loss.apply(inputs);
    const out: Outputs = { loss_l: await host(loss_l!), loss_c: await host(loss_c!), grad_loc: await host(gLoc!), grad_conf: await host(gConf!) };
    tf.dispose([gLoc!, gConf!, loss_l!, loss_c!]);
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
