import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compileReference,
  LossGraphError,
  parseSafetensors,
  readFixture,
  readMultiboxFixture,
  type SafetensorsTensor,
  writeSafetensors,
} from '../src/index.js';
import {
  compareWithFixture,
  fixtureProgram,
  listFixtureFiles,
  listTrainingFixtureFiles,
  loadFixture,
  loadMultiboxFixture,
  repoFixturesDir,
  sampleFixturePath,
} from '../src/testing/index.js';

const files = await listFixtureFiles(repoFixturesDir());

function rewrite(
  path: string,
  edit: (t: Map<string, SafetensorsTensor>) => void,
  editMetadata: (m: Record<string, string>) => void = () => {},
): Uint8Array {
  const f = parseSafetensors(readFileSync(path));
  const tensors = new Map(f.tensors);
  edit(tensors);
  const metadata = { ...f.metadata } as Record<string, string>;
  editMetadata(metadata);
  // reversed order: readers must not assume any tensor order
  return writeSafetensors(Object.fromEntries([...tensors].reverse()), metadata);
}

describe('fixtures on the reference interpreter', () => {
  it('the repository holds the committed fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });
  it('lists the training-step fixtures apart from the loss fixtures', async () => {
    const training = await listTrainingFixtureFiles(repoFixturesDir());
    expect(training.length).toBeGreaterThanOrEqual(4);
    expect(training.every((p) => p.split('/').pop()?.startsWith('train_'))).toBe(true);
    expect(files.some((p) => training.includes(p))).toBe(false);
    // a training-step fixture holds a model, not a loss's inputs: the loss fixture reader refuses it
    const [first] = training;
    if (first !== undefined) await expect(loadFixture(first)).rejects.toThrow(/training-step fixture/);
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
        if (label[i]! > 0)
          for (let k = 0; k < 4; k++)
            worst = Math.max(worst, Math.abs(out.loc_t!.data[i * 4 + k]! - fx.expected.loc_t[i * 4 + k]!));
      }
      expect(worst).toBeLessThan(1e-4);
    });
  }
  const haveSample = existsSync(sampleFixturePath());
  if (!haveSample)
    console.log(
      `independent sample not found at ${sampleFixturePath()} (no ../shared beside this checkout): its copy in fixtures/ is still checked`,
    );
  it.runIf(haveSample)('passes the independent sample beside the checkout', async () => {
    const fx = await loadMultiboxFixture(sampleFixturePath());
    expect(compareWithFixture(await compileReference(fixtureProgram(fx)).run(fx.inputs), fx).pass).toBe(true);
  });
});

/** The INVALID_FIXTURE message of reading `bytes` as file 'broken'. */
function readError(bytes: Uint8Array, read: (bytes: Uint8Array, name: string) => unknown = readFixture): string {
  try {
    read(bytes, 'broken');
  } catch (e) {
    expect(LossGraphError.isInstance(e) && e.code).toBe('INVALID_FIXTURE');
    return (e as Error).message;
  }
  return 'no error';
}

describe('fixture reader', () => {
  const path = files.find((f) => f.includes('crowded'))!;
  it('does not assume tensor order', () => {
    const fx = readMultiboxFixture(
      rewrite(path, () => {}),
      'reordered',
    );
    expect(fx.inputs.loc_data.shape.length).toBe(3);
  });
  it('names the file and tensor when one is missing or malformed', () => {
    const err = (bytes: Uint8Array) => readError(bytes, readMultiboxFixture);
    expect(err(rewrite(path, (t) => t.delete('grad_conf')))).toMatch(/broken: tensor 'grad_conf' is missing/);
    expect(
      err(
        rewrite(path, (t) =>
          t.set('num_objs', {
            ...t.get('num_objs')!,
            dtype: 'F32',
            data: new Float32Array(t.get('num_objs')!.data as Int32Array),
          }),
        ),
      ),
    ).toMatch(/'num_objs' has dtype F32, expected I32/);
    expect(
      err(rewrite(path, (t) => t.set('dbox_list', { dtype: 'F32', shape: [3, 4], data: new Float32Array(12) }))),
    ).toMatch(/'dbox_list' has shape \[3,4\]/);
    expect(err(new Uint8Array([1, 2, 3]))).toMatch(/broken: file too short/);
  });
  it("reads the loss and profile from the metadata and checks that loss's tensors", () => {
    const retina = files.find((f) => f.includes('retinanet_no_low_quality'))!;
    const fx = readFixture(
      rewrite(retina, () => {}),
      'retina',
    );
    expect(fx.loss).toBe('retinanet');
    expect(fx.options).toMatchObject({ allowLowQualityMatches: false, boxLoss: 'ciou' });
    expect(
      readFixture(
        rewrite(files.find((f) => f.includes('tv_ssd_random'))!, () => {}),
        'tv',
      ),
    ).toMatchObject({ loss: 'multibox', options: { profile: 'torchvision' } });
    expect(
      readFixture(
        rewrite(path, () => {}),
        'seed',
      ),
    ).toMatchObject({ loss: 'multibox', options: { profile: 'seed' } });
    const err = readError;
    expect(err(rewrite(retina, (t) => t.delete('matched_idxs')))).toMatch(/broken: tensor 'matched_idxs' is missing/);
    expect(
      err(rewrite(retina, (t) => t.set('anchors', { dtype: 'F32', shape: [5, 4], data: new Float32Array(20) }))),
    ).toMatch(/'anchors' has shape \[5,4\]/);
    expect(
      err(
        rewrite(
          retina,
          () => {},
          (m) => (m.loss = 'yolo'),
        ),
      ),
    ).toMatch(/metadata 'loss' must be one of multibox, retinanet, yolov8, got yolo/);
    expect(
      err(
        rewrite(
          retina,
          () => {},
          (m) => (m.box_loss = 'iou'),
        ),
      ),
    ).toMatch(/metadata 'box_loss' must be one of l1/);
    expect(
      err(
        rewrite(
          path,
          () => {},
          (m) => (m.profile = 'detectron'),
        ),
      ),
    ).toMatch(/metadata 'profile'/);
    // a multibox-only reader refuses other losses by name
    expect(
      err(
        rewrite(retina, () => {}),
        readMultiboxFixture,
      ),
    ).toMatch(/broken: a retinanet fixture, expected a multibox one/);
  });
});
