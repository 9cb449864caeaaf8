/**
 * The trained model exported for deployment runs on plain onnxruntime-web (wasm, in Node) and gives the
 * trainer's own eval outputs, and PyTorch's after the same steps (tools/reference/optim_reference.py).
 */
import { createTrainer, type HostTensor, multiboxTrainingLoss } from '@lossgraph/core';
import { loadOptimReference, tensorFailure } from '@lossgraph/core/testing';
import { exportInferenceModel } from '@lossgraph/onnx';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';

// docs/FIXTURES.md "Training steps": float32 tensors agree to 1e-4 of the tensor's largest magnitude
const TOL = 1e-4;

/** Runs an ONNX model on plain onnxruntime-web: no lossgraph between the bytes and the runtime. */
async function runPlain(bytes: Uint8Array, feeds: Record<string, HostTensor>): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    const ortFeeds = Object.fromEntries(
      Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', Float32Array.from(v.data), [...v.shape])]),
    );
    const out = await session.run(ortFeeds);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
  } finally {
    await session.release();
  }
}

describe('exportInferenceModel on onnxruntime-web (wasm, in Node)', () => {
  it('tiny detector trained on onnxruntime-web: plain onnxruntime-web gives the trainer’s and PyTorch’s eval outputs', async () => {
    const ref = await loadOptimReference();
    const c = ref.cases.find((x) => x.name === 'sgd_momentum');
    if (c === undefined) throw new Error('optim reference has no sgd_momentum case');
    const trainer = await createTrainer({
      model: ref.model,
      loss: multiboxTrainingLoss(),
      optimizer: c.optimizer,
      compile: (program, options) => compile(program, { ...options, executionProviders: ['wasm'] }),
      lr: (k) => c.lrs[k] ?? Number.NaN,
    });
    try {
      for (let k = 0; k < ref.steps; k++) await trainer.step(ref.batch);
      const bytes = exportInferenceModel(ref.model, trainer.state());
      const images = ref.batch.images;
      if (images === undefined) throw new Error('optim reference batch has no images');
      const want = await trainer.evalOutputs(ref.batch);
      const got = await runPlain(bytes, { images });
      expect(Object.keys(got).sort()).toEqual(ref.model.outputs.map((o) => o.name).sort());
      const failures = ref.model.outputs.flatMap((o) => [
        tensorFailure(o.name, got[o.name], want[o.name]?.data ?? new Float32Array(0), TOL),
        tensorFailure(`torch ${o.name}`, got[o.name], ref.tensor(`${c.name}/eval/${o.name}`).data as Float32Array, TOL),
      ]);
      expect(failures.filter((f) => f !== undefined)).toEqual([]);
    } finally {
      await trainer.dispose();
    }
  });
});
