import { join } from 'node:path';
import { createTrainer, sgd, yoloAnchors, yolov8TrainingLoss } from '@lossgraph/core';
import { loadTrainingFixture, repoFixturesDir } from '@lossgraph/core/testing';
import { importOnnx } from '@lossgraph/onnx';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';

// A YOLO head trained with the YOLOv8 loss by a Trainer on onnxruntime-node: the model and batch of the
// training-step fixture train_yolov8_tiny_sgd_nesterov (a YOLO-style detector exported from PyTorch, three
// images, one without objects), trained past the fixture's three steps.
const STEPS = 20;

describe('trainer with the YOLOv8 loss on onnxruntime-node (cpu)', () => {
  it(`trains a YOLO head: PyTorch's losses for the first steps, then the loss falls over ${STEPS} steps`, async () => {
    const fx = await loadTrainingFixture(join(repoFixturesDir(), 'train_yolov8_tiny_sgd_nesterov.safetensors'));
    expect(fx.lossOptions).toMatchObject({ regMax: 8 });
    expect(fx.optimizer).toEqual({
      type: 'sgd',
      lr: 0.01,
      momentum: 0.937,
      dampening: 0,
      weightDecay: 5e-4,
      nesterov: true,
    });
    const trainer = await createTrainer({
      model: importOnnx(fx.modelOnnx),
      loss: yolov8TrainingLoss({ regMax: 8 }),
      optimizer: sgd({ lr: 0.01, momentum: 0.937, nesterov: true, weightDecay: 5e-4 }),
      compile: (program, options) => compile(program, { ...options, executionProviders: ['cpu'] }),
    });
    // the batch as the root README builds it: the anchors from yoloAnchors, which are the fixture's
    const { anchor_points, stride_tensor } = yoloAnchors({ imageSize: 64 });
    expect(anchor_points.data).toEqual(fx.batch.anchor_points?.data);
    expect(stride_tensor.data).toEqual(fx.batch.stride_tensor?.data);
    const batch = { ...fx.batch, anchor_points, stride_tensor };
    const totals: number[] = [];
    try {
      for (let k = 0; k < STEPS; k++) {
        const losses = await trainer.step(batch);
        expect(Object.keys(losses)).toEqual(['loss_box', 'loss_cls', 'loss_dfl']);
        // the fixture's optimizer is this one: its steps are PyTorch's (float64) within the file's tolerance
        if (k < fx.steps)
          for (const term of fx.terms) {
            const want = fx.expected.losses[term]?.[k] ?? Number.NaN;
            expect(Math.abs((losses[term] ?? Number.NaN) - want)).toBeLessThanOrEqual(
              fx.tolerances.loss * Math.max(1, Math.abs(want)),
            );
          }
        totals.push(Object.values(losses).reduce((a, b) => a + b, 0));
      }
    } finally {
      await trainer.dispose();
    }
    console.log(`yolov8 trainer, total loss by step: ${totals.map((t) => t.toFixed(3)).join(' ')}`);
    const [first = Number.NaN] = totals;
    const last = totals.at(-1) ?? Number.NaN;
    expect(last).toBeLessThan(0.5 * first);
  }, 60_000);
});
