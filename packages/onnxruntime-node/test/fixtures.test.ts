import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { CompiledLoss } from '@lossgraph/core';
import { compareWithFixture, fixtureName, fixtureProgram, listFixtureFiles, loadFixture, repoFixturesDir, sampleFixturePath } from '@lossgraph/core/testing';
import { compile } from '../src/index.js';

const files = [...(await listFixtureFiles(repoFixturesDir())), ...(existsSync(sampleFixturePath()) ? [sampleFixturePath()] : [])];
const compiled: CompiledLoss[] = [];

describe('fixtures of every loss on onnxruntime-node-cpu', () => {
  afterAll(async () => {
    await Promise.all(compiled.map((c) => c.dispose()));
  });

  it('finds the committed fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of files) {
    it(fixtureName(file), async () => {
      const fx = await loadFixture(file);
      const loss = await compile(fixtureProgram(fx));
      compiled.push(loss);
      expect(loss.device).toBe('cpu');
      const cmp = compareWithFixture(await loss.run(fx.inputs), fx);
      expect(cmp.failures).toEqual([]);
    });
  }
});
