import { describe, expect, it } from 'vitest';
import { importOnnx } from '../src/index.js';
import { caught, expectClose, loadCase, runModel } from './import-helpers.js';

// The elementwise case uses only ops whose reference kernels exist everywhere: BatchNorm1d (train and eval),
// a parameter behind a Reshape, Softmax, strided Slice, Split/Concat, Transpose, ReduceMean/ReduceMax/ReduceSum,
// Exp/Log/Sqrt/Abs/Neg, and a view whose shape the exporter wrote as Unsqueeze/Concat chains.
// Expected values: PyTorch 1.13 in float64 (tools/reference/export_models.py); the interpreter runs float64
// too, so they agree to rounding.
const REL = 1e-9;

describe('importOnnx on a PyTorch TRAINING export (elementwise ops, BatchNorm1d)', () => {
  const c = loadCase('elementwise');
  const model = importOnnx(c.bytes);

  it('names parameters like the state_dict, in PyTorch order, and BatchNorm running stats as state', () => {
    expect(model.parameters.map((p) => p.name)).toEqual(c.parameters);
    expect(model.state.map((s) => s.name)).toEqual(c.state);
    expect(model.inputs).toEqual([{ name: 'images', shape: [4, 3, 6] }]);
    expect(model.outputs.map((o) => [o.name, o.shape])).toEqual(
      c.outputs.map((o) => [o, [...c.tensor(`train_${o}`).shape]]),
    );
  });

  it('train mode: the forward and the next running stats match PyTorch', () => {
    const r = runModel(model, c, 'train');
    for (const o of c.outputs) expectClose(r.outputs[o] ?? [], c.tensor(`train_${o}`).data, REL, o);
    expect(Object.keys(r.nextState).sort()).toEqual([...c.state].sort());
    for (const s of c.state) expectClose(r.nextState[s] ?? [], c.tensor(`state/${s}`).data, REL, s);
  });

  it('eval mode: BatchNorm uses the running stats, and no state is updated', () => {
    const r = runModel(model, c, 'eval');
    for (const o of c.outputs) expectClose(r.outputs[o] ?? [], c.tensor(`eval_${o}`).data, REL, o);
    expect(r.nextState).toEqual({});
  });

  it('the gradient of a weighted sum of the outputs matches torch autograd for every parameter', () => {
    const r = runModel(model, c, 'train', true);
    for (const p of c.parameters) expectClose(r.grads[p] ?? [], c.tensor(`grad/${p}`).data, REL, `grad ${p}`);
  });

  it('a symbolic batch (dynamic_axes) is fixed by inputShapes and gives the same answers', () => {
    const dynamic = Uint8Array.from(c.tensor('model_onnx_dynamic').data);
    const e = caught(() => importOnnx(dynamic));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toMatch(/'images'.*inputShapes/);
    const fixed = importOnnx(dynamic, { inputShapes: { images: [4, 3, 6] } });
    const r = runModel(fixed, c, 'train', true);
    for (const o of c.outputs) expectClose(r.outputs[o] ?? [], c.tensor(`train_${o}`).data, REL, o);
    for (const p of c.parameters) expectClose(r.grads[p] ?? [], c.tensor(`grad/${p}`).data, REL, `grad ${p}`);
  });
});
