import { basename } from 'node:path';
import {
  listTrainingFixtureFiles,
  loadTrainingFixture,
  repoFixturesDir,
  runTrainingFixture,
} from '@lossgraph/core/testing';
import { importOnnx } from '@lossgraph/onnx';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';

// The YOLOv8 loss's training-step fixtures (fixtures/train_yolov8_*, written by tools/reference/make_train_fixtures.py
// from tools/reference/lossgraph_ref/losses/yolov8/: a YOLO-style detector with a Detect-like head) on
// onnxruntime-node's CPU provider; apps/bench's validate test runs them on the reference backend.
const files = (await listTrainingFixtureFiles(repoFixturesDir())).filter((f) =>
  basename(f).startsWith('train_yolov8_'),
);

describe('training-step fixtures of the YOLOv8 loss on onnxruntime-node-cpu', () => {
  it('has them', () => {
    expect(files.length).toBeGreaterThanOrEqual(1);
  });
  it.each(files.map((f) => [basename(f, '.safetensors'), f] as const))(
    '%s: losses of every step, gradients, parameters, running stats and eval outputs within the file tolerances',
    async (_name, file) => {
      const fx = await loadTrainingFixture(file);
      expect(fx.loss).toBe('yolov8');
      expect(fx.terms).toEqual(['loss_box', 'loss_cls', 'loss_dfl']);
      const result = await runTrainingFixture(
        (program) => compile(program, { executionProviders: ['cpu'] }),
        fx,
        (bytes) => importOnnx(bytes),
      );
      console.log(`${fx.name}: worst error / tolerance ${JSON.stringify(result.worst)}`);
      expect(result.failures).toEqual([]);
    },
    120_000,
  );
});
