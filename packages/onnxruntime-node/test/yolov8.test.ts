import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { readYolov8Fixture, yolov8FixtureFailures, yolov8LossProgram } from '@lossgraph/core';
import { repoFixturesDir } from '@lossgraph/core/testing';
import { onnxOpsUsed } from '@lossgraph/onnx';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';
import { kernelGap, loadCudaKernelTable } from './cuda-kernels.js';

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

describe('yolov8 loss on onnxruntime-node (cpu) agrees with the fixtures (losses, gradients, assignment)', () => {
  for (const path of paths) {
    const fx = readYolov8Fixture(new Uint8Array(readFileSync(path)), basename(path).replace(/\.safetensors$/, ''));
    it(`${fx.name}${path === sample ? ' (written by Ultralytics)' : ''}`, async () => {
      const program = yolov8LossProgram({ ...fx.options, outputs: ['fg_mask', 'target_gt_idx'] });
      const loss = await compile(program, { executionProviders: ['cpu'] });
      try {
        expect(yolov8FixtureFailures(await loss.run(fx.feeds), fx)).toEqual([]);
      } finally {
        await loss.dispose();
      }
    });
  }
});

describe('yolov8 loss on the CUDA execution provider (onnxruntime 1.30 kernel table)', () => {
  it('has a CUDA kernel for every node, with gradients and diagnostics, at default and custom options', () => {
    const table = loadCudaKernelTable();
    for (const options of [
      { outputs: ['fg_mask', 'target_gt_idx'] },
      { regMax: 8, topk: 5, alpha: 1, beta: 4.5 },
    ] as const) {
      const uses = onnxOpsUsed(yolov8LossProgram(options).graph);
      expect(uses.length).toBeGreaterThan(20);
      expect(uses.map((u) => kernelGap(table, u)).filter((g) => g !== undefined)).toEqual([]);
    }
  });
});
