import { existsSync } from 'node:fs';
import type { CompiledLoss } from '@lossgraph/core';
import {
  compareWithFixture,
  fixtureName,
  fixtureProgram,
  listFixtureFiles,
  fixtureProgramKey,
  loadFixture,
  repoFixturesDir,
  sampleFixturePath,
} from '@lossgraph/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '@lossgraph/onnxruntime-web';

const files = [...(await listFixtureFiles(repoFixturesDir())), ...(existsSync(sampleFixturePath()) ? [sampleFixturePath()] : [])];
if (!existsSync(sampleFixturePath())) console.warn(`independent sample fixture not found at ${sampleFixturePath()}: its check is skipped`);

// one session per distinct set of loss options, reused across fixtures as a training loop would
const sessions = new Map<string, Promise<CompiledLoss>>();
afterAll(async () => {
  for (const s of sessions.values()) await (await s).dispose();
});

describe('fixtures of every loss on onnxruntime-web wasm (Node)', () => {
  it.each(files.map((f) => [fixtureName(f), f]))('%s', async (_, file) => {
    const fx = await loadFixture(file);
    const key = fixtureProgramKey(fx);
    if (!sessions.has(key)) sessions.set(key, compile(fixtureProgram(fx)));
    const compiled = await sessions.get(key)!;
    expect(compiled.device).toBe('wasm');
    const cmp = compareWithFixture(await compiled.run(fx.inputs), fx);
    expect(cmp.failures).toEqual([]);
  });
});
