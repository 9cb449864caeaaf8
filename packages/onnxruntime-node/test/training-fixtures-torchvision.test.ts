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

// The training-step fixtures of torchvision's own architectures (fixtures/train_tv_*, written by
// tools/reference/make_train_fixtures.py: RetinaNet on a ResNet-18 FPN with FrozenBatchNorm2d, SSDlite320 on
// MobileNetV3-Large with train-mode BatchNorm) on onnxruntime-node's CPU provider. Each takes tens of seconds per backend on a shared CI machine, so the default
// tests run them here only (and on the reference backend in apps/bench's validate test); `bench validate` runs
// them on every backend (tfjs-cpu, tfjs-wasm, onnxruntime-web-wasm, ...).
const files = (await listTrainingFixtureFiles(repoFixturesDir())).filter((f) => basename(f).startsWith('train_tv_'));

describe('training-step fixtures of torchvision architectures on onnxruntime-node-cpu', () => {
  it('has them', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });
  it.each(files.map((f) => [basename(f, '.safetensors'), f] as const))(
    '%s: losses of every step, gradients, parameters, running stats and eval outputs within the file tolerances',
    async (_name, file) => {
      const fx = await loadTrainingFixture(file);
      const result = await runTrainingFixture(
        (program) => compile(program, { executionProviders: ['cpu'] }),
        fx,
        (bytes) => importOnnx(bytes),
      );
      console.log(`${fx.name}: worst error / tolerance ${JSON.stringify(result.worst)}`);
      expect(result.failures).toEqual([]);
    },
    300_000,
  );
});
