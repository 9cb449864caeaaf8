import { existsSync } from 'node:fs';
import {
  compareWithFixture,
  fixtureName,
  fixtureProgram,
  listFixtureFiles,
  fixtureOutputs,
  loadFixture,
  repoFixturesDir,
  sampleFixturePath,
} from '@lossgraph/core/testing';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';
import { TEST_BACKENDS } from './backends.js';

const committed = await listFixtureFiles(repoFixturesDir());
const sample = sampleFixturePath();
if (!existsSync(sample)) console.log(`independent sample fixture absent (${sample}): its tests are skipped`);

/** Way (a): the graph's own backward part gives the gradients; all outputs against the fixture. */
async function checkFixture(path: string, backend: string): Promise<void> {
  const fx = await loadFixture(path);
  const loss = await compile(fixtureProgram(fx), { backend });
  try {
    expect(loss.device).toBe(backend);
    const out = await loss.run(fx.inputs);
    const cmp = compareWithFixture(out, fx);
    expect(cmp.failures, `${fx.name} on tfjs-${backend}: ${JSON.stringify(cmp.diff)}`).toEqual([]);
    for (const name of fixtureOutputs(fx.loss).integers) expect(out[name], `${name} compared`).toBeDefined();
  } finally {
    await loss.dispose();
  }
}

for (const backend of TEST_BACKENDS) {
  describe(`fixtures, run(), tfjs-${backend}`, () => {
    for (const path of committed) it(fixtureName(path), () => checkFixture(path, backend));
    if (existsSync(sample)) it('independent sample (sample_p64_c4)', () => checkFixture(sample, backend));
    else it.skip(`independent sample (sample_p64_c4): absent at ${sample}`, () => {});
  });
}
