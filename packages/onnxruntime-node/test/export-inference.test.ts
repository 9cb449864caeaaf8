import { readFileSync } from 'node:fs';
import { createTrainer, evalProgram, type HostTensor, multiboxTrainingLoss, parseSafetensors } from '@lossgraph/core';
import { loadOptimReference, tensorFailure } from '@lossgraph/core/testing';
import { exportInferenceModel, importOnnx } from '@lossgraph/onnx';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';

// docs/FIXTURES.md "Training steps": float32 tensors agree to 1e-4 of the tensor's largest magnitude
const TOL = 1e-4;
const compileCpu = (program: Parameters<typeof compile>[0], options?: Parameters<typeof compile>[1]) =>
  compile(program, { ...options, executionProviders: ['cpu'] });

/** Runs an ONNX model on plain onnxruntime-node: no lossgraph between the bytes and the runtime. */
async function runPlain(bytes: Uint8Array, feeds: Record<string, HostTensor>): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes);
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

describe('exportInferenceModel: the trained model as a standalone ONNX model', () => {
  it('tiny detector trained on onnxruntime-node: plain onnxruntime gives the trainer’s and PyTorch’s eval outputs', async () => {
    const ref = await loadOptimReference();
    const c = ref.cases.find((x) => x.name === 'sgd_momentum')!;
    const trainer = await createTrainer({
      model: ref.model,
      loss: multiboxTrainingLoss(),
      optimizer: c.optimizer,
      compile: compileCpu,
      lr: (k) => c.lrs[k]!,
    });
    try {
      for (let k = 0; k < ref.steps; k++) await trainer.step(ref.batch);
      const bytes = exportInferenceModel(ref.model, trainer.state());
      const images = ref.batch.images!;
      const want = await trainer.evalOutputs(ref.batch);
      const got = await runPlain(bytes, { images });
      expect(Object.keys(got).sort()).toEqual(ref.model.outputs.map((o) => o.name).sort());
      const failures = ref.model.outputs.map((o) => tensorFailure(o.name, got[o.name], want[o.name]!.data, TOL));
      // and PyTorch's model after the same steps (tools/reference/optim_reference.py)
      for (const o of ref.model.outputs)
        failures.push(
          tensorFailure(
            `torch ${o.name}`,
            got[o.name],
            ref.tensor(`${c.name}/eval/${o.name}`).data as Float32Array,
            TOL,
          ),
        );
      expect(failures.filter((f) => f !== undefined)).toEqual([]);
      // the running stats are baked in: the trained ones, not the initial ones
      const initial = exportInferenceModel(ref.model, trainer.program.initialState());
      const before = await runPlain(initial, { images });
      expect(tensorFailure('conf_data', before.conf_data, want.conf_data!.data, TOL)).toBeDefined();
    } finally {
      await trainer.dispose();
    }
  });

  it('an imported PyTorch export (conv, BatchNorm): inputs the model inputs only, outputs as its eval program', async () => {
    const path = new URL('../../onnx/test/data/import_conv_bn.safetensors', import.meta.url);
    const file = parseSafetensors(new Uint8Array(readFileSync(path)), path.pathname);
    const model = importOnnx(Uint8Array.from(file.tensors.get('model_onnx')!.data as Uint8Array));
    // weights: the model's own, each scaled so that the exported values are not the imported ones
    const weights = Object.fromEntries(
      [...model.parameters, ...model.state].map((t, i) => [
        t.name,
        { dtype: 'float32', shape: t.shape, data: t.data.map((x) => x * (1 + 0.01 * (i % 3))) } as HostTensor,
      ]),
    );
    const inputs = Object.fromEntries(
      model.inputs.map((t) => {
        const n = t.shape.reduce((a, b) => a * b, 1);
        const data = Float32Array.from({ length: n }, (_, i) => Math.sin(1.3 * i) * 2);
        return [t.name, { dtype: 'float32', shape: t.shape, data } as HostTensor];
      }),
    );
    const bytes = exportInferenceModel(model, weights);
    const session = await ort.InferenceSession.create(bytes);
    expect([...session.inputNames].sort()).toEqual(model.inputs.map((t) => t.name).sort());
    expect([...session.outputNames].sort()).toEqual(model.outputs.map((t) => t.name).sort());
    await session.release();
    const evaluated = await compileCpu(evalProgram(model));
    try {
      const want = await evaluated.run({ ...inputs, ...weights });
      const got = await runPlain(bytes, inputs);
      const failures = model.outputs.map((o) => tensorFailure(o.name, got[o.name], want[o.name]!.data, TOL));
      expect(failures.filter((f) => f !== undefined)).toEqual([]);
    } finally {
      await evaluated.dispose();
    }
  });
});
