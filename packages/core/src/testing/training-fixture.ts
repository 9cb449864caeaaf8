import type { CompiledLoss, CompileOptions, LossProgram } from '../backend/contract.js';
import { feed } from '../backend/feed.js';
import { fail } from '../errors.js';
import { type TrainingFixture, type TrainingQuantity, trainingOf } from '../io/training-fixture.js';
import type { Graph } from '../ir/graph.js';
import type { ModelGraph } from '../training/model.js';
import { runTrainingSteps } from '../training/run-steps.js';
import { evalProgram, gradName, trainingStepProgram } from '../training/step-program.js';
import type { TrainingLoss } from '../training/training-loss.js';
import { maxAbsDiff } from './training-compare.js';

/** Makes a ModelGraph of a serialised ONNX model (`importOnnx` of @lossgraph/onnx). */
export type ModelImporter = (modelOnnx: Uint8Array) => ModelGraph | Promise<ModelGraph>;

/** A backend's compile function, as every backend package exports it. */
export type TrainingCompile = (program: LossProgram, options?: CompileOptions) => CompiledLoss | Promise<CompiledLoss>;

export interface TrainingFixtureResult {
  readonly pass: boolean;
  /** one line per value outside its tolerance */
  readonly failures: readonly string[];
  /** per quantity, the worst error as a fraction of its bound (<= 1 passes; NaN for a non-finite result) */
  readonly worst: Readonly<Record<TrainingQuantity, number>>;
  /** the loss terms of every step */
  readonly losses: readonly Readonly<Record<string, number>>[];
}

/** The training loss a fixture names, with its options (the `training` part of the loss's registry entry). */
export function trainingFixtureLoss(fx: TrainingFixture): TrainingLoss {
  return trainingOf(fx.loss).loss(fx.lossOptions);
}

/**
 * The two programs `runTrainingFixture` compiles for a fixture, by name: the training step (model, loss,
 * optimizer, gradients on) and the trained model's eval forward. For kernel-coverage checks of a runtime.
 */
export function trainingFixtureGraphs(fx: TrainingFixture, model: ModelGraph): { step: Graph; eval: Graph } {
  const step = trainingStepProgram({ model, loss: trainingFixtureLoss(fx), optimizer: fx.optimizer, gradients: true });
  return { step: step.graph, eval: evalProgram(model).graph };
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (const v of Array.from(a)) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * Checks a backend against a training-step fixture (docs/FIXTURES.md, "Training steps"): imports the model
 * with `importModel`, builds the training step (the fixture's loss and optimizer, gradients on), compiles
 * it with `compile`, runs `steps` steps on the fixture's batch feeding each step's outputs back, then the
 * trained model in eval mode; compares every loss term of every step, step 0's gradients, the parameters
 * and running stats after the last step, and the eval outputs, under the fixture's tolerances. A model
 * parameter or running stat the fixture has no expected value for (or the reverse) fails with
 * INVALID_FIXTURE naming the tensor.
 */
export async function runTrainingFixture(
  compile: TrainingCompile,
  fx: TrainingFixture,
  importModel: ModelImporter,
): Promise<TrainingFixtureResult> {
  const model = await importModel(fx.modelOnnx);
  const missing = (tensor: string, why: string): never =>
    fail('INVALID_FIXTURE', `${fx.name}: tensor '${tensor}' is missing (${why})`, { file: fx.name, tensor });
  for (const p of model.parameters)
    if (!fx.expected.params.has(p.name)) missing(`param/${p.name}`, 'a model parameter');
  for (const s of model.state) if (!fx.expected.state.has(s.name)) missing(`state/${s.name}`, 'a model running stat');
  const names = new Set([...model.parameters, ...model.state].map((t) => t.name));
  for (const p of fx.expected.params.keys())
    if (!names.has(p))
      fail('INVALID_FIXTURE', `${fx.name}: 'param/${p}' names no parameter of the model`, { file: fx.name });
  for (const o of model.outputs)
    if (!fx.outputs.includes(o.name))
      fail('INVALID_FIXTURE', `${fx.name}: the model's output '${o.name}' is not in metadata 'outputs'`, {
        file: fx.name,
      });

  const program = trainingStepProgram({
    model,
    loss: trainingFixtureLoss(fx),
    optimizer: fx.optimizer,
    gradients: true,
  });
  const failures: string[] = [];
  const worst: Record<TrainingQuantity, number> = { loss: 0, grad: 0, param: 0, state: 0, eval: 0 };
  const note = (q: TrainingQuantity, what: string, error: number, bound: number) => {
    const ratio = error / bound;
    if (!(ratio <= worst[q])) worst[q] = Number.isNaN(ratio) || Number.isNaN(worst[q]) ? NaN : ratio;
    if (!(error <= bound)) failures.push(`${what}: error ${error.toExponential(3)} above ${bound.toExponential(3)}`);
  };
  const tensor = (q: TrainingQuantity, what: string, got: ArrayLike<number> | undefined, want: Float32Array) =>
    note(q, what, got === undefined ? NaN : maxAbsDiff(got, want), fx.tolerances[q] * Math.max(1e-3, maxAbs(want)));

  const compiled = await compile(program);
  let run: Awaited<ReturnType<typeof runTrainingSteps>>;
  try {
    run = await runTrainingSteps(compiled, program, fx.batch, { steps: fx.steps });
  } finally {
    await compiled.dispose();
  }
  run.losses.forEach((terms, k) => {
    for (const term of fx.terms) {
      const want = fx.expected.losses[term]![k]!;
      note(
        'loss',
        `${term} step ${k} (want ${want}, got ${terms[term]})`,
        Math.abs(terms[term]! - want),
        fx.tolerances.loss * Math.max(1, Math.abs(want)),
      );
    }
  });
  for (const p of model.parameters) {
    tensor('grad', `grad/${p.name}`, run.first[gradName(p.name)]?.data, fx.expected.grads.get(p.name)!);
    tensor('param', `param/${p.name}`, run.state[p.name]?.data, fx.expected.params.get(p.name)!);
  }
  for (const s of model.state)
    tensor('state', `state/${s.name}`, run.state[s.name]?.data, fx.expected.state.get(s.name)!);

  const evaluated = await compile(evalProgram(model));
  try {
    const trained = Object.fromEntries(
      [...model.parameters, ...model.state].map((t) => [t.name, feed(run.state, t.name)]),
    );
    const inputs = Object.fromEntries(model.inputs.map((t) => [t.name, feed(fx.batch, t.name)]));
    const out = await evaluated.run({ ...inputs, ...trained });
    for (const o of model.outputs) tensor('eval', `eval_${o.name}`, out[o.name]?.data, fx.expected.eval.get(o.name)!);
  } finally {
    await evaluated.dispose();
  }
  return { pass: failures.length === 0, failures, worst, losses: run.losses };
}
