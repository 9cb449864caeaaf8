import type { Feeds, HostTensor, LossProgram, Outputs } from '../backend/contract.js';
import { GraphBuilder, type Tensor } from '../builder.js';
import { fail, LossGraphError } from '../errors.js';
import { type Graph, inputName, valueInfo } from '../ir/graph.js';
import { shapeToString } from '../ir/shape.js';
import type { Dim } from '../ir/types.js';
import { requireFinite } from '../losses/input-checks.js';
import { rejectUnknownKeys } from '../options/unknown-keys.js';
import { appendGradients } from '../passes/autodiff.js';
import { eliminateDeadCode } from '../passes/dce.js';
import { inlineGraph, substituteShape, unifyShape } from '../passes/inline.js';
import { differentiableAncestors } from '../passes/reachability.js';
import type { ModelGraph, ModelTensorInfo } from './model.js';
import { makeOptimizer, type Optimizer } from './optimizer.js';
import type { OptimizerOptions } from './optimizer-options.js';
import type { TrainingLoss } from './training-loss.js';

/** The output holding the value after the step of the input `name` (a parameter or a state tensor). */
export const nextName = (name: string): string => `${name}.next`;
/** The output holding d(sum of the loss terms) / d parameter `name` (with `gradients: true`). */
export const gradName = (name: string): string => `grad/${name}`;
/**
 * The output (with `finiteCheck: true`) that is 0 when every next parameter and state value is finite and
 * NaN otherwise: the sum of each value times 0 (finite x gives 0, NaN or ±Inf gives NaN). One scalar
 * read on the host says whether a step may be applied, with the values left on the device.
 */
export const FINITE_CHECK = 'finite_check';
/** The input holding optimizer state `slot` of parameter `param` (`conv1.weight.momentum_buffer`). */
export const slotName = (param: string, slot: string): string => `${param}.${slot}`;

export interface TrainingStepOptions {
  /** the model (from `importOnnx`, or written by hand) */
  readonly model: ModelGraph;
  /** the loss its outputs feed: a registry entry's `training.loss(...)`, e.g. `multiboxTrainingLoss(...)` */
  readonly loss: TrainingLoss;
  /** an optimizer (`sgd(...)`, `adam(...)`, `adamw(...)`) or its options (`{ type: 'sgd', lr: 0.01 }`) */
  readonly optimizer: Optimizer | OptimizerOptions;
  /** also output each parameter's gradient as `grad/<p>` (for tests). Default false. */
  readonly gradients?: boolean;
  /** also output `finite_check` (FINITE_CHECK) over the next values. Default false. */
  readonly finiteCheck?: boolean;
}

/**
 * One training step as a program any backend compiles. Inputs: the batch (`batchInputs`: the model's
 * inputs and the loss inputs no model output feeds, such as `dbox_list`, `targets`, `num_objs`), every
 * parameter `<p>`, every state tensor (`state`: the model's running statistics `<s>` and the optimizer's
 * slots `<p>.<slot>`), and the step scalars (`scalars`, from `optimizer.stepScalars(step)`). Outputs: the
 * loss terms (forward before the update), `<name>.next` for every parameter and state tensor, and with
 * `gradients` `grad/<p>`.
 */
export interface TrainingStepProgram extends LossProgram {
  readonly lossTerms: readonly string[];
  readonly batchInputs: readonly string[];
  readonly parameters: readonly string[];
  readonly state: readonly string[];
  readonly scalars: readonly string[];
  readonly optimizer: Optimizer;
  /** the parameters and model state from the model's initializers, the optimizer slots zero */
  initialState(): Record<string, HostTensor>;
  /** the parameters and state for the next step: each `<name>.next` output of `outputs` as `<name>` */
  nextState(outputs: Outputs): Record<string, HostTensor>;
}

const zeros = (shape: readonly number[]): HostTensor => ({
  dtype: 'float32',
  shape,
  data: new Float32Array(shape.reduce((a, b) => a * b, 1)),
});

/** Every name the step graph uses for an input or an output is distinct, or INVALID_MODEL names the clash. */
function checkNames(groups: Readonly<Record<string, readonly string[]>>): void {
  const owner = new Map<string, string>();
  for (const [group, names] of Object.entries(groups)) {
    for (const name of names) {
      const prev = owner.get(name);
      if (prev !== undefined)
        fail('INVALID_MODEL', `training step: the name '${name}' is both ${prev} and ${group}`, { tensor: name });
      owner.set(name, group);
    }
  }
}

function floatInputs(b: GraphBuilder, infos: readonly ModelTensorInfo[]): Record<string, Tensor> {
  return Object.fromEntries(infos.map((t) => [t.name, b.input(t.name, 'float32', t.shape)]));
}

/**
 * The loss graph's inputs: each model output of a loss input's name feeds it (its shape must fit the
 * loss input's, else SHAPE_MISMATCH names both); every other loss input becomes a step input, at the
 * loss's shape with the sizes the model outputs fix (`targets` [B, M, 5] with the model's B).
 */
function wireLossInputs(
  b: GraphBuilder,
  lossGraph: Graph,
  modelOutputs: Readonly<Record<string, Tensor>>,
): { inputs: Record<string, Tensor>; fromModel: string[]; fromBatch: string[] } {
  const env: Record<string, Dim> = {};
  const lossInputs = lossGraph.inputs.map((id) => ({ ...valueInfo(lossGraph, id), name: inputName(lossGraph, id) }));
  const fromModel = lossInputs.filter((v) => modelOutputs[v.name] !== undefined).map((v) => v.name);
  if (fromModel.length === 0)
    fail(
      'INVALID_MODEL',
      `training step: no model output is named after a loss input (model outputs: ${Object.keys(modelOutputs).join(', ')}; loss inputs: ${lossInputs.map((v) => v.name).join(', ')})`,
    );
  const inputs: Record<string, Tensor> = {};
  for (const v of lossInputs) {
    const out = modelOutputs[v.name];
    if (out === undefined) continue;
    const what = `model output '${v.name}' ${shapeToString(out.shape)} feeding loss input '${v.name}' ${shapeToString(v.shape)}`;
    if (out.dtype !== v.dtype) fail('DTYPE_MISMATCH', `${what}: expected ${v.dtype}, got ${out.dtype}`);
    try {
      unifyShape(v.shape, out.shape, env, what);
    } catch (e) {
      if (LossGraphError.isInstance(e)) fail(e.code, e.message, { ...e.details, tensor: v.name });
      throw e;
    }
    inputs[v.name] = out;
  }
  const fromBatch: string[] = [];
  for (const v of lossInputs) {
    if (inputs[v.name] !== undefined) continue;
    inputs[v.name] = b.input(v.name, v.dtype, substituteShape(v.shape, env));
    fromBatch.push(v.name);
  }
  return { inputs, fromModel, fromBatch };
}

/** The options checked: an object of known keys, a model, a loss, an optimizer, a boolean `gradients`. */
function resolveStepOptions(options: TrainingStepOptions): {
  model: ModelGraph;
  loss: TrainingLoss;
  optimizer: Optimizer;
  gradients: boolean;
  finiteCheck: boolean;
} {
  if (typeof options !== 'object' || options === null)
    fail('INVALID_OPTION', `training step options must be an object, got ${JSON.stringify(options)}`);
  rejectUnknownKeys('training step', options, ['model', 'loss', 'optimizer', 'gradients', 'finiteCheck']);
  const { model, loss } = options;
  if (typeof model?.emit !== 'function')
    fail('INVALID_OPTION', `training step option 'model' must be a ModelGraph (importOnnx gives one)`, {
      option: 'model',
    });
  if (loss?.program?.graph === undefined || !Array.isArray(loss.terms))
    fail('INVALID_OPTION', `training step option 'loss' must be a TrainingLoss (multiboxTrainingLoss(...))`, {
      option: 'loss',
    });
  const gradients = options.gradients ?? false;
  if (typeof gradients !== 'boolean')
    fail('INVALID_OPTION', `training step option 'gradients' must be a boolean, got ${JSON.stringify(gradients)}`, {
      option: 'gradients',
    });
  const finiteCheck = options.finiteCheck ?? false;
  if (typeof finiteCheck !== 'boolean')
    fail('INVALID_OPTION', `training step option 'finiteCheck' must be a boolean, got ${JSON.stringify(finiteCheck)}`, {
      option: 'finiteCheck',
    });
  return { model, loss, optimizer: makeOptimizer(options.optimizer), gradients, finiteCheck };
}

/**
 * A training step as one graph: the model's forward in train mode, its outputs wired by name into the
 * loss, the sum of the loss terms differentiated with respect to every parameter (`appendGradients`),
 * and the optimizer's update of every parameter the loss depends on (as torch.optim skips a parameter whose
 * `grad` is None, one the loss does not reach keeps its value and state). See TrainingStepProgram for its
 * inputs and outputs.
 * Its checks: the loss's own checks on the loss inputs the batch feeds (`targets`, `num_objs`, ...; the
 * model's outputs stand in as zeros of their shapes), and finite values in every float input.
 */
export function trainingStepProgram(options: TrainingStepOptions): TrainingStepProgram {
  const { model, loss, optimizer, gradients, finiteCheck } = resolveStepOptions(options);
  const paramNames = model.parameters.map((p) => p.name);
  const modelState = model.state.map((s) => s.name);
  const slotInputs = paramNames.flatMap((p) => optimizer.slots.map((s) => slotName(p, s)));
  const lossInputNames = loss.program.graph.inputs.map((id) => inputName(loss.program.graph, id));
  const modelOutputNames = new Set(model.outputs.map((o) => o.name));
  checkNames({
    'a model input': model.inputs.map((t) => t.name),
    'a parameter': paramNames,
    'a model state tensor': modelState,
    'an optimizer state tensor': slotInputs,
    'a step scalar': optimizer.scalars,
    'a loss input': lossInputNames.filter((n) => !modelOutputNames.has(n)),
  });
  checkNames({
    'a loss term': loss.terms,
    'a next value': [...paramNames, ...modelState, ...slotInputs].map(nextName),
    'a gradient': gradients ? paramNames.map(gradName) : [],
    'the finite check': finiteCheck ? [FINITE_CHECK] : [],
  });

  // forward and loss
  const b = new GraphBuilder();
  const modelInputs = floatInputs(b, model.inputs);
  const params = floatInputs(b, model.parameters);
  const state = floatInputs(b, model.state);
  const forward = model.emit(b, { inputs: modelInputs, parameters: params, state }, 'train');
  for (const o of model.outputs)
    if (forward.outputs[o.name] === undefined)
      fail('INVALID_MODEL', `training step: the model's forward gave no output '${o.name}'`, { tensor: o.name });
  const wired = wireLossInputs(b, loss.program.graph, forward.outputs);
  const lossOutputs = inlineGraph(b, loss.program.graph, wired.inputs);
  for (const term of loss.terms) {
    const t = lossOutputs[term];
    if (t === undefined || t.dtype !== 'float32' || t.rank !== 0)
      fail('INVALID_GRAPH', `training step: loss term '${term}' is not a float32 scalar output of the loss`, {
        tensor: term,
      });
    b.output(term, t);
  }
  for (const s of modelState) {
    const next = forward.nextState[s];
    if (next === undefined)
      fail('INVALID_MODEL', `training step: the model's train-mode forward gave no next value of state '${s}'`, {
        tensor: s,
      });
    b.output(nextName(s), next);
  }

  // backward, then the optimizer; a parameter the loss does not depend on (PyTorch: grad None) is not stepped
  const forwardGraph = b.build();
  const reached = differentiableAncestors(forwardGraph, loss.terms);
  const withGrads = appendGradients(forwardGraph, {
    of: loss.terms,
    wrt: Object.fromEntries(paramNames.map((p) => [p, gradName(p)])),
  });
  const u = GraphBuilder.extend(withGrads);
  const scalars = Object.fromEntries(optimizer.scalars.map((n) => [n, u.input(n, 'float32', [])]));
  const nextValues: Tensor[] = [];
  for (const p of model.parameters) {
    const grad = u.tensor(withGrads.outputs.find((o) => o.name === gradName(p.name))!.value);
    const slots = Object.fromEntries(optimizer.slots.map((s) => [s, u.input(slotName(p.name, s), 'float32', p.shape)]));
    const param = u.tensor(params[p.name]!.id);
    const next = reached.has(param.id)
      ? optimizer.update(u, { param, grad, state: slots, scalars })
      : { param, state: slots };
    u.output(nextName(p.name), next.param);
    for (const s of optimizer.slots) u.output(nextName(slotName(p.name, s)), next.state[s]!);
    nextValues.push(next.param, ...optimizer.slots.map((s) => next.state[s]!));
  }
  if (finiteCheck) {
    const stateNext = modelState.map((s) => u.tensor(withGrads.outputs.find((o) => o.name === nextName(s))!.value));
    const zeros = [...stateNext, ...nextValues].map((t) => t.mul(0).sum());
    u.output(
      FINITE_CHECK,
      zeros.reduce((a, b) => a.add(b), u.scalar(0)),
    );
  }
  const full = u.build();
  const graph = eliminateDeadCode(
    gradients ? full : { ...full, outputs: full.outputs.filter((o) => !o.name.startsWith('grad/')) },
  );

  // checks: the loss's on what the batch feeds it (model outputs as zeros, made on first use), finite floats
  let standIns: Record<string, HostTensor> | undefined;
  const lossFeeds = (feeds: Feeds): Feeds => {
    standIns ??= Object.fromEntries(
      wired.fromModel.map((n) => [n, zeros(forward.outputs[n]!.shape.map((d) => d as number))]),
    );
    return { ...standIns, ...Object.fromEntries(wired.fromBatch.map((n) => [n, feeds[n]!])) };
  };
  const finiteInputs = [
    ...model.inputs.map((t) => t.name),
    ...paramNames,
    ...modelState,
    ...slotInputs,
    ...optimizer.scalars,
  ];
  const allState = [...modelState, ...slotInputs];
  return {
    graph,
    checkInputs: (feeds) => loss.program.checkInputs?.(lossFeeds(feeds)),
    validateInputs(feeds) {
      // under resident runs, the feeds kept on the device are absent: the finite check of the step that made them vouches
      requireFinite(
        feeds,
        finiteInputs.filter((n) => feeds[n] !== undefined),
      );
      loss.program.validateInputs?.(lossFeeds(feeds));
    },
    lossTerms: [...loss.terms],
    batchInputs: [...model.inputs.map((t) => t.name), ...wired.fromBatch],
    parameters: paramNames,
    state: allState,
    scalars: [...optimizer.scalars],
    optimizer,
    initialState() {
      const out: Record<string, HostTensor> = {};
      for (const t of [...model.parameters, ...model.state])
        out[t.name] = { dtype: 'float32', shape: [...t.shape], data: Float32Array.from(t.data) };
      for (const p of model.parameters) for (const s of optimizer.slots) out[slotName(p.name, s)] = zeros(p.shape);
      return out;
    },
    nextState(outputs) {
      const out: Record<string, HostTensor> = {};
      for (const name of [...paramNames, ...allState]) {
        const t = outputs[nextName(name)];
        if (t === undefined) fail('MISSING_INPUT', `training step outputs lack '${nextName(name)}'`, { tensor: name });
        out[name] = t;
      }
      return out;
    },
  };
}

/**
 * The model alone, in eval mode (BatchNorm on its running statistics): inputs the model's inputs, every
 * parameter and every state tensor (by their names, as a training step's `nextState` gives them);
 * outputs the model's outputs. For checking a trained model.
 */
export function evalProgram(model: ModelGraph): LossProgram {
  const b = new GraphBuilder();
  const inputs = floatInputs(b, model.inputs);
  const parameters = floatInputs(b, model.parameters);
  const state = floatInputs(b, model.state);
  const forward = model.emit(b, { inputs, parameters, state }, 'eval');
  for (const o of model.outputs) {
    const t = forward.outputs[o.name];
    if (t === undefined)
      fail('INVALID_MODEL', `eval program: the model's forward gave no output '${o.name}'`, { tensor: o.name });
    b.output(o.name, t);
  }
  const names = [...model.inputs, ...model.parameters, ...model.state].map((t) => t.name);
  return { graph: eliminateDeadCode(b.build()), validateInputs: (feeds) => requireFinite(feeds, names) };
}
