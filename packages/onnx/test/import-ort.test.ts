import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { importOnnx, toOnnxModel } from '../src/index.js';
import { expectClose, loadCase, modelFeeds, modelGraph, splitResults } from './import-helpers.js';

// The whole path a training step takes on onnxruntime: import a PyTorch export, differentiate the model with
// appendGradients, compile the graph back to ONNX (standard ops only) and run it on onnxruntime-node's CPU
// provider in float32. Expected: PyTorch in float64. Tolerance as docs/FIXTURES.md's training steps: 1e-4 of the
// tensor's largest magnitude; for gradients at least 1% of the model's largest gradient, since a conv bias
// before a BatchNorm has an exactly zero gradient that float32 computes as a sum of cancelling terms.
const TOL = 1e-4;

const CASES = ['elementwise', 'conv_bn', 'mobile', 'fpn', 'shared_head', 'frozen_bn', 'classifier'] as const;

describe.each(CASES)('importOnnx -> appendGradients -> toOnnxModel -> onnxruntime-node: %s', (name) => {
  it('train mode: outputs, next running stats and parameter gradients match PyTorch', async () => {
    const c = loadCase(name);
    const model = importOnnx(c.bytes);
    const bytes = toOnnxModel(modelGraph(model, c, 'train', true));
    const session = await ort.InferenceSession.create(bytes);
    try {
      const feeds = Object.fromEntries(
        Object.entries(modelFeeds(model, c)).map(([k, v]) => [
          k,
          new ort.Tensor('float32', Float32Array.from(v.data), [...v.shape]),
        ]),
      );
      const res = await session.run(feeds);
      const r = splitResults(
        model,
        Object.fromEntries(Object.entries(res).map(([k, v]) => [k, v.data as Float32Array])),
      );
      for (const o of c.outputs) expectClose(r.outputs[o] ?? [], c.tensor(`train_${o}`).data, TOL, o);
      expect(Object.keys(r.nextState).sort()).toEqual([...c.state].sort());
      for (const s of c.state) expectClose(r.nextState[s] ?? [], c.tensor(`state/${s}`).data, TOL, s);
      const largest = Math.max(...c.parameters.flatMap((p) => Array.from(c.tensor(`grad/${p}`).data, Math.abs)));
      for (const p of c.parameters) {
        expectClose(r.grads[p] ?? [], c.tensor(`grad/${p}`).data, TOL, `grad ${p}`, 0.01 * largest);
      }
    } finally {
      await session.release();
    }
  });
});
