import { existsSync } from 'node:fs';
import { createTrainer, type HostTensor } from '@lossgraph/core';
import {
  loadTrainingFixture,
  tensorFailure,
  trainingFixtureLoss,
  trainingSampleFixturePath,
} from '@lossgraph/core/testing';
import { exportInferenceModel, importOnnx } from '@lossgraph/onnx';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';

const sample = trainingSampleFixturePath();

// docs/FIXTURES.md "Training steps": the independent sample (conv-BN-ReLU, MaxPool, SSD heads; SGD momentum,
// weight decay) imported from its ONNX bytes, trained by a Trainer on onnxruntime-node, its trained model
// exported for inference and run on plain onnxruntime: PyTorch's values under the file's tolerances
describe.runIf(existsSync(sample))('trainer on the training-step sample train_sample_vgg_bn', () => {
  it('losses of every step, parameters, running stats, and the exported model’s eval outputs', async () => {
    const fx = await loadTrainingFixture(sample);
    const model = importOnnx(fx.modelOnnx);
    const trainer = await createTrainer({
      model,
      loss: trainingFixtureLoss(fx),
      optimizer: fx.optimizer,
      compile: (program, options) => compile(program, { ...options, executionProviders: ['cpu'] }),
    });
    const failures: (string | undefined)[] = [];
    try {
      for (let k = 0; k < fx.steps; k++) {
        const losses = await trainer.step(fx.batch);
        for (const term of fx.terms) {
          const want = fx.expected.losses[term]?.[k] ?? Number.NaN;
          const got = losses[term] ?? Number.NaN;
          if (!(Math.abs(got - want) <= fx.tolerances.loss * Math.max(1, Math.abs(want))))
            failures.push(`${term} step ${k}: got ${got}, want ${want}`);
        }
      }
      const state = trainer.state();
      for (const [p, want] of fx.expected.params)
        failures.push(tensorFailure(p, state[p]?.data, want, fx.tolerances.param));
      for (const [s, want] of fx.expected.state)
        failures.push(tensorFailure(s, state[s]?.data, want, fx.tolerances.state));
      const session = await ort.InferenceSession.create(exportInferenceModel(model, state));
      try {
        const feeds = Object.fromEntries(
          model.inputs.map((t) => {
            const h = fx.batch[t.name] as HostTensor;
            return [t.name, new ort.Tensor('float32', Float32Array.from(h.data), [...h.shape])];
          }),
        );
        const out = await session.run(feeds);
        for (const [o, want] of fx.expected.eval)
          failures.push(tensorFailure(`eval ${o}`, out[o]?.data as Float32Array | undefined, want, fx.tolerances.eval));
      } finally {
        await session.release();
      }
    } finally {
      await trainer.dispose();
    }
    expect(failures.filter((f) => f !== undefined)).toEqual([]);
  });
});
