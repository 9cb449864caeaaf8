import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileReference, LossGraphError, parseSafetensors, readMultiboxFixture, writeSafetensors, type SafetensorsTensor } from '../src/index.js';
import { compareWithFixture, fixtureProgram, listFixtureFiles, loadFixture, loadMultiboxFixture, repoFixturesDir, sampleFixturePath } from '../src/testing/index.js';

const files = await listFixtureFiles(repoFixturesDir());

function rewrite(path: string, edit: (t: Map<string, SafetensorsTensor>) => void): Uint8Array {
  const f = parseSafetensors(readFileSync(path));
  const tensors = new Map(f.tensors);
  edit(tensors);
  // reversed order: readers must not assume any tensor order
  return writeSafetensors(Object.fromEntries([...tensors].reverse()), f.metadata as Record<string, string>);
}

describe('fixtures on the reference interpreter', () => {
  it('the repository holds the committed fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });
  for (const file of files) {
    it(`passes ${file.split('/').pop()}`, async () => {
      const fx = await loadFixture(file);
      const out = await compileReference(fixtureProgram(fx)).run(fx.inputs);
      const cmp = compareWithFixture(out, fx);
      expect(cmp.failures).toEqual([]);
      if (fx.loss !== 'multibox') return;
      // loc_t is meaningful where a box is positive
      const label = fx.expected.conf_t_label;
      let worst = 0;
      for (let i = 0; i < label.length; i++) {
        if (label[i]! > 0) for (let k = 0; k < 4; k++) worst = Math.max(worst, Math.abs(out.loc_t!.data[i * 4 + k]! - fx.expected.loc_t[i * 4 + k]!));
      }
      expect(worst).toBeLessThan(1e-4);
    });
  }
  const haveSample = existsSync(sampleFixturePath());
  if (!haveSample) console.log(`independent sample not found at ${sampleFixturePath()} (no ../shared beside this checkout): its copy in fixtures/ is still checked`);
  it.runIf(haveSample)('passes the independent sample beside the checkout', async () => {
    const fx = await loadMultiboxFixture(sampleFixturePath());
    expect(compareWithFixture(await compileReference(fixtureProgram(fx)).run(fx.inputs), fx).pass).toBe(true);
  });
});

describe('fixture reader', () => {
  const path = files.find((f) => f.includes('crowded'))!;
  it('does not assume tensor order', () => {
    const fx = readMultiboxFixture(rewrite(path, () => {}), 'reordered');
    expect(fx.inputs.loc_data.shape.length).toBe(3);
  });
  it('names the file and tensor when one is missing or malformed', () => {
    const err = (bytes: Uint8Array) => {
      try {
        readMultiboxFixture(bytes, 'broken');
      } catch (e) {
        expect(LossGraphError.isInstance(e) && e.code).toBe('INVALID_FIXTURE');
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err(rewrite(path, (t) => t.delete('grad_conf')))).toMatch(/broken: tensor 'grad_conf' is missing/);
    expect(err(rewrite(path, (t) => t.set('num_objs', { ...t.get('num_objs')!, dtype: 'F32', data: new Float32Array(t.get('num_objs')!.data as Int32Array) })))).toMatch(/'num_objs' has dtype F32, expected I32/);
    expect(err(rewrite(path, (t) => t.set('dbox_list', { dtype: 'F32', shape: [3, 4], data: new Float32Array(12) })))).toMatch(/'dbox_list' has shape \[3,4\]/);
    expect(err(new Uint8Array([1, 2, 3]))).toMatch(/broken: file too short/);
  });
});
