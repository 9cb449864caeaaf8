import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { readYolov8Fixture, yolov8FixtureFailures, yolov8LossProgram } from '@lossgraph/core';
import { repoFixturesDir } from '@lossgraph/core/testing';
import { compile } from '@lossgraph/onnxruntime-web';
import { describe, expect, it } from 'vitest';

// the sample written by Ultralytics' own functions (beside the checkout), then the repository's yolov8_* fixtures
const sample = resolve(repoFixturesDir(), '..', '..', 'shared', 'fixtures', 'yolov8_sample.safetensors');
const folder = repoFixturesDir();
const paths = [
  ...(existsSync(sample) ? [sample] : []),
  ...readdirSync(folder)
    .filter((n) => n.startsWith('yolov8_') && n.endsWith('.safetensors'))
    .sort()
    .map((n) => join(folder, n)),
];

describe('yolov8 loss on onnxruntime-web (wasm, Node) agrees with the fixtures (losses, gradients, assignment)', () => {
  for (const path of paths) {
    const fx = readYolov8Fixture(new Uint8Array(readFileSync(path)), basename(path).replace(/\.safetensors$/, ''));
    it(`${fx.name}${path === sample ? ' (written by Ultralytics)' : ''}`, async () => {
      const program = yolov8LossProgram({ ...fx.options, outputs: ['fg_mask', 'target_gt_idx'] });
      const loss = await compile(program, { executionProviders: ['wasm'] });
      try {
        expect(yolov8FixtureFailures(await loss.run(fx.feeds), fx)).toEqual([]);
      } finally {
        await loss.dispose();
      }
    });
  }
});
