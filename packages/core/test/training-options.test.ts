import { describe, expect, it } from 'vitest';
import {
  adam,
  adamw,
  compileReference,
  type Feeds,
  type HostTensor,
  LossGraphError,
  type ModelGraph,
  makeOptimizer,
  multiboxLossProgram,
  multiboxTrainingLoss,
  sgd,
  trainingStepProgram,
} from '../src/index.js';
import { loadOptimReference, lossReferenceProblem } from '../src/testing/optim-reference.js';

const ref = await loadOptimReference();

async function error(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    return LossGraphError.isInstance(e) ? `${e.code}: ${e.message}` : `other: ${String(e)}`;
  }
  return 'none';
}

const withData = (t: HostTensor, data: Float32Array | Int32Array): HostTensor => ({ ...t, data });

describe('optimizer options', () => {
  it('rejects unknown options naming the closest one, and values torch.optim rejects', async () => {
    expect(await error(() => sgd({ lr: 0.1, momentun: 0.9 } as never))).toMatch(
      /^INVALID_OPTION: unknown SGD option 'momentun' \(did you mean 'momentum'\?\)/,
    );
    expect(await error(() => adamw({ weight_decay: 0.1 } as never))).toMatch(/did you mean 'weightDecay'/);
    expect(await error(() => makeOptimizer({ type: 'adamm' } as never))).toMatch(
      /^INVALID_OPTION: optimizer option 'type' must be one of 'sgd', 'adam', 'adamw', got "adamm"/,
    );
    expect(await error(() => sgd({} as never))).toMatch(/SGD option 'lr' must be a number >= 0 \(SGD has no default/);
    expect(await error(() => sgd({ lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }))).toMatch(
      /'nesterov' needs momentum > 0 and dampening 0/,
    );
    expect(await error(() => adam({ betas: [0.9, 1] }))).toMatch(/Adam option 'betas' must be two numbers in \[0, 1\)/);
    expect(await error(() => adam({ eps: Number.NaN }))).toMatch(/Adam option 'eps'/);
    expect(await error(() => adam({ eps: 1e-50 }))).toMatch(/below the smallest normal float32/);
    expect(await error(() => sgd({ lr: 0.1 }).stepScalars(0))).toMatch(/step must be an integer >= 1/);
  });

  it("defaults as torch.optim's, and state slots and step scalars per configuration", () => {
    expect(adamw().options).toMatchObject({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2 });
    expect(adam().options.weightDecay).toBe(0);
    expect(sgd({ lr: 0.1 }).slots).toEqual([]);
    expect(sgd({ lr: 0.1, momentum: 0.9 }).slots).toEqual(['momentum_buffer']);
    expect(adam({ amsgrad: true }).slots).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']);
    expect(Object.keys(adamw().stepScalars(1)).sort()).toEqual(['bias_correction2_sqrt', 'lr', 'step_size']);
    const s = adam({ lr: 0.5, betas: [0.5, 0.75] }).stepScalars(2);
    expect(s.step_size!.data[0]).toBe(0.5 / (1 - 0.25));
    expect(s.bias_correction2_sqrt!.data[0]).toBe(Math.sqrt(1 - 0.5625));
  });
});

describe('trainingStepProgram', () => {
  const loss = multiboxTrainingLoss();

  it('has the documented inputs and outputs', () => {
    const p = trainingStepProgram({ model: ref.model, loss, optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 } });
    const inputs = p.graph.inputs.map((id) => p.graph.values[id]!.name);
    expect(p.batchInputs).toEqual(['images', 'dbox_list', 'targets', 'num_objs']);
    expect(p.scalars).toEqual(['lr', 'first_step']);
    expect(p.state).toContain('loc.weight.momentum_buffer');
    expect(p.state).toContain('bn.running_var');
    expect(inputs.sort()).toEqual([...p.batchInputs, ...p.parameters, ...p.state, ...p.scalars].sort());
    const outputs = p.graph.outputs.map((o) => o.name);
    expect(outputs.sort()).toEqual(
      ['loss_l', 'loss_c', ...[...p.parameters, ...p.state].map((n) => `${n}.next`)].sort(),
    );
    // targets keep a free M: any number of truth rows per batch
    expect(p.graph.values[p.graph.inputs.find((id) => p.graph.values[id]!.name === 'targets')!]!.shape).toEqual([
      4,
      'M',
      5,
    ]);
  });

  it('names a model output whose shape does not fit the loss input it feeds', async () => {
    const bad: ModelGraph = {
      ...ref.model,
      emit: (b, feeds, mode) => {
        const f = ref.model.emit(b, feeds, mode);
        return { ...f, outputs: { ...f.outputs, conf_data: f.outputs.conf_data!.slice(1, 0, 8) } };
      },
    };
    expect(await error(() => trainingStepProgram({ model: bad, loss, optimizer: sgd({ lr: 0.1 }) }))).toMatch(
      /^SHAPE_MISMATCH: model output 'conf_data' \[4,8,3\] feeding loss input 'conf_data' \[B,P,C\]: .*P is already 16/,
    );
    const none: ModelGraph = { ...ref.model, outputs: [] };
    const renamed: ModelGraph = {
      ...none,
      emit: (b, feeds, mode) => ({ ...ref.model.emit(b, feeds, mode), outputs: {} }),
    };
    expect(await error(() => trainingStepProgram({ model: renamed, loss, optimizer: sgd({ lr: 0.1 }) }))).toMatch(
      /^INVALID_MODEL: training step: no model output is named after a loss input/,
    );
    expect(
      await error(() =>
        trainingStepProgram({ model: ref.model, loss, optimizer: sgd({ lr: 0.1 }), gradient: true } as never),
      ),
    ).toMatch(/^INVALID_OPTION: unknown training step option 'gradient' \(did you mean 'gradients'\?\)/);
    expect(
      await error(() =>
        trainingStepProgram({ model: ref.model, loss: multiboxLossProgram(), optimizer: sgd({ lr: 0.1 }) } as never),
      ),
    ).toMatch(/^INVALID_OPTION: training step option 'loss' must be a TrainingLoss/);
    const clash: ModelGraph = { ...ref.model, inputs: [{ name: 'lr', shape: [4, 3, 4, 4] }] };
    expect(await error(() => trainingStepProgram({ model: clash, loss, optimizer: sgd({ lr: 0.1 }) }))).toMatch(
      /^INVALID_MODEL: training step: the name 'lr' is both a model input and a step scalar/,
    );
  });

  it("runs the loss's checks on the targets and refuses non-finite values in the batch", async () => {
    const p = trainingStepProgram({ model: ref.model, loss, optimizer: sgd({ lr: 0.1 }) });
    const compiled = compileReference(p);
    const feeds: Feeds = { ...ref.batch, ...p.initialState(), ...p.optimizer.stepScalars(1) };
    const images = Float32Array.from(ref.batch.images!.data);
    images[5] = Number.NaN;
    expect(await error(() => compiled.run({ ...feeds, images: withData(ref.batch.images!, images) }))).toMatch(
      /^NON_FINITE: 'images' holds a non-finite value NaN at index \[0,0,1,1\]/,
    );
    const targets = Float32Array.from(ref.batch.targets!.data);
    targets[4] = 7;
    expect(await error(() => compiled.run({ ...feeds, targets: withData(ref.batch.targets!, targets) }))).toMatch(
      /^LABEL_OUT_OF_RANGE: 'targets' image 0 row 0: label 7 outside \[0, 1\]/,
    );
    const empty: HostTensor = { dtype: 'float32', shape: [4, 0, 5], data: new Float32Array(0) };
    expect(await error(() => compiled.run({ ...feeds, targets: empty }))).toMatch(
      /^SHAPE_MISMATCH: 'targets': expected shape \[B,M,5\] with M >= 1/,
    );
    const lr = { dtype: 'float32', shape: [], data: Float64Array.of(Number.POSITIVE_INFINITY) } as const;
    expect(await error(() => compiled.run({ ...feeds, lr }))).toMatch(/^NON_FINITE: 'lr'/);
  });

  it("feeds a RetinaNet loss, and its gradients agree with finite differences of the step's loss", async () => {
    // the tiny detector's heads renamed to RetinaNet's loss inputs (A = 16 anchors, C = 3 classes)
    const { program: p, batch } = lossReferenceProblem(ref, 'retinanet');
    expect(p.batchInputs).toEqual(['images', 'anchors', 'targets', 'num_objs']);
    const compiled = compileReference(p);
    const state = p.initialState();
    const run = (over: Record<string, HostTensor> = {}) =>
      compiled.run({ ...batch, ...state, ...over, ...p.optimizer.stepScalars(1) });
    const out = await run();
    const total = (o: typeof out) => o.loss_cls!.data[0]! + o.loss_box!.data[0]!;
    expect(total(out)).toBeGreaterThan(0);
    // the element of largest gradient of each parameter (finite differences check its value)
    for (const name of ['conf.weight', 'loc.bias', 'bn.weight']) {
      const g = Array.from(out[`grad/${name}`]!.data, Math.abs);
      const index = g.indexOf(Math.max(...g));
      const base = Float64Array.from(state[name]!.data);
      const at = (delta: number) => {
        const data = Float64Array.from(base);
        data[index]! += delta;
        return run({ [name]: { ...state[name]!, data } });
      };
      const h = 1e-6;
      const fd = (total(await at(h)) - total(await at(-h))) / (2 * h);
      expect(out[`grad/${name}`]!.data[index]!).toBeCloseTo(fd, 6);
      expect(Math.abs(fd)).toBeGreaterThan(1e-6);
    }
  });

  it('maximize ascends: one SGD step moves by +lr·g, one Adam step exactly opposite to the minimising one', async () => {
    const stepOnce = async (optimizer: ReturnType<typeof sgd>) => {
      const p = trainingStepProgram({ model: ref.model, loss, optimizer, gradients: true });
      const out = await compileReference(p).run({ ...ref.batch, ...p.initialState(), ...optimizer.stepScalars(1) });
      return { out, init: p.initialState() };
    };
    const name = 'conf.weight';
    const { out: up, init } = await stepOnce(sgd({ lr: 0.5, maximize: true }));
    const p0 = init[name]!.data;
    const g = up[`grad/${name}`]!.data;
    for (const [i, v] of up[`${name}.next`]!.data.entries()) expect(v - p0[i]!).toBeCloseTo(0.5 * g[i]!, 12);
    const { out: adamUp } = await stepOnce(adam({ lr: 0.01, maximize: true }));
    const { out: adamDown } = await stepOnce(adam({ lr: 0.01 }));
    const a = adamUp[`${name}.next`]!.data;
    const d = adamDown[`${name}.next`]!.data;
    for (const [i, v] of a.entries()) expect(v - p0[i]!).toBeCloseTo(-(d[i]! - p0[i]!), 12);
    expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - p0[i]!)))).toBeGreaterThan(1e-3);
  });

  it('leaves a parameter the loss does not reach as it is, as torch.optim skips one whose grad is None', async () => {
    // an extra parameter used only through argMax (no gradient path), and one not used at all
    const model: ModelGraph = {
      ...ref.model,
      parameters: [
        ...ref.model.parameters,
        { name: 'unused', shape: [2], data: Float32Array.of(1, -2) },
        { name: 'routed', shape: [2], data: Float32Array.of(3, 4) },
      ],
      emit: (b, feeds, mode) => {
        const f = ref.model.emit(b, feeds, mode);
        const shift = feeds.parameters.routed!.argMax(0).cast('float32').mul(0);
        return { ...f, outputs: { ...f.outputs, loc_data: f.outputs.loc_data!.add(shift) } };
      },
    };
    const optimizer = sgd({ lr: 0.1, momentum: 0.9, weightDecay: 0.5 });
    const p = trainingStepProgram({ model, loss, optimizer, gradients: true });
    const state = p.initialState();
    const out = await compileReference(p).run({ ...ref.batch, ...state, ...optimizer.stepScalars(1) });
    for (const name of ['unused', 'routed']) {
      expect(Array.from(out[`${name}.next`]!.data)).toEqual(Array.from(state[name]!.data));
      expect(Array.from(out[`${name}.momentum_buffer.next`]!.data)).toEqual([0, 0]);
      expect(Array.from(out[`grad/${name}`]!.data)).toEqual([0, 0]);
    }
    // a parameter the loss reaches is stepped, weight decay included
    const w = state['loc.bias']!.data;
    const g = out['grad/loc.bias']!.data;
    for (const [i, v] of out['loc.bias.next']!.data.entries())
      expect(v).toBeCloseTo(w[i]! - 0.1 * (g[i]! + 0.5 * w[i]!), 12);
  });
});
