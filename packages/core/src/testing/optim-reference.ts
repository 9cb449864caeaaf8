import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompiledLoss, CompileOptions, Feeds, HostTensor, LossProgram } from '../backend/contract.js';
import { feed } from '../backend/feed.js';
import { fail } from '../errors.js';
import { parseSafetensors, type SafetensorsTensor } from '../io/safetensors.js';
import { at } from '../ir/at.js';
import type { TinyDetectorWiring } from '../losses/loss-entry.js';
import { multiboxTrainingLoss } from '../losses/multibox/training-loss.js';
import { LOSS_NAMES, type LossName, lossEntry } from '../losses/registry.js';
import type { ModelGraph } from '../training/model.js';
import { sgd } from '../training/optimizer.js';
import type { OptimizerOptions } from '../training/optimizer-options.js';
import { runTrainingSteps } from '../training/run-steps.js';
import { evalProgram, slotName, type TrainingStepProgram, trainingStepProgram } from '../training/step-program.js';
import { repoFixturesDir } from './paths.js';
import { tinyDetector } from './tiny-detector.js';
import { lossFailure, tensorFailure } from './training-compare.js';

/** Where tools/reference/optim_reference.py writes its expected values. */
export function optimReferencePath(): string {
  return join(repoFixturesDir(), '..', 'packages', 'core', 'test', 'data', 'optim_reference.safetensors');
}

/** One optimizer configuration of the reference file: its options and learning rate per step. */
export interface OptimReferenceCase {
  readonly name: string;
  readonly optimizer: OptimizerOptions;
  readonly lrs: readonly number[];
}

/** The tiny detector's training problem as PyTorch ran it, and what it computed. */
export interface OptimReference {
  readonly model: ModelGraph;
  readonly batch: Feeds;
  readonly steps: number;
  readonly cases: readonly OptimReferenceCase[];
  /** a tensor of the file by name; fails naming it when absent */
  tensor(name: string): SafetensorsTensor;
}

/** Tolerances of a comparison with the reference, as in docs/FIXTURES.md's training-step norms. */
export interface TrainingTolerances {
  readonly loss: number;
  readonly grad: number;
  readonly param: number;
  readonly state: number;
  readonly eval: number;
}

const hostTensor = (t: SafetensorsTensor): HostTensor => ({
  dtype: t.dtype === 'I32' ? 'int32' : 'float32',
  shape: t.shape,
  data: t.data as Float32Array | Int32Array,
});

/** Reads the reference file (`optimReferencePath()` by default). */
export async function loadOptimReference(path = optimReferencePath()): Promise<OptimReference> {
  const file = parseSafetensors(new Uint8Array(await readFile(path)), path);
  const tensor = (name: string): SafetensorsTensor => {
    const t = file.tensors.get(name);
    if (t === undefined) fail('INVALID_FIXTURE', `${path}: tensor '${name}' is missing`, { file: path, tensor: name });
    return t;
  };
  const init: Record<string, Float32Array> = {};
  for (const [name, t] of file.tensors) if (name.startsWith('init/')) init[name.slice(5)] = t.data as Float32Array;
  const cases = Object.entries(file.metadata)
    .filter(([key]) => key.startsWith('config/'))
    .map(([key, json]) => {
      const { lrs, ...optimizer } = JSON.parse(json) as OptimizerOptions & { lrs: number[] };
      return { name: key.slice(7), optimizer, lrs };
    });
  return {
    model: tinyDetector(init),
    batch: Object.fromEntries(['images', 'dbox_list', 'targets', 'num_objs'].map((n) => [n, hostTensor(tensor(n))])),
    steps: Number(file.metadata.steps),
    cases,
    tensor,
  };
}

/** The training step of a case: the tiny detector, the seed's MultiBoxLoss, the case's optimizer. */
export function optimReferenceProgram(ref: OptimReference, c: OptimReferenceCase): TrainingStepProgram {
  return trainingStepProgram({
    model: ref.model,
    loss: multiboxTrainingLoss(),
    optimizer: c.optimizer,
    gradients: true,
  });
}

/**
 * Compiles a case's training step with `compile`, runs the reference file's steps (feeding outputs back),
 * and returns one line per value outside `tolerance`: every loss term of every step, step 0's gradients,
 * the parameters, BatchNorm stats and optimizer state after the last step, and the trained model in
 * eval mode.
 */
export async function checkOptimReferenceCase(
  ref: OptimReference,
  c: OptimReferenceCase,
  compile: (program: LossProgram, options?: CompileOptions) => CompiledLoss | Promise<CompiledLoss>,
  tolerance: TrainingTolerances,
): Promise<string[]> {
  const program = optimReferenceProgram(ref, c);
  const compiled = await compile(program);
  const failures: (string | undefined)[] = [];
  try {
    const run = await runTrainingSteps(compiled, program, ref.batch, { steps: ref.steps, lrs: c.lrs });
    run.losses.forEach((terms, k) => {
      for (const [term, got] of Object.entries(terms)) {
        const want = (ref.tensor(`${c.name}/${term}_step${k}`).data as Float64Array)[0]!;
        failures.push(lossFailure(`${term} step ${k}`, got, want, tolerance.loss));
      }
    });
    for (const p of program.parameters) {
      failures.push(
        tensorFailure(
          `grad/${p}`,
          run.first[`grad/${p}`]?.data,
          ref.tensor(`grad/${p}`).data as Float32Array,
          tolerance.grad,
        ),
        tensorFailure(
          `param/${p}`,
          run.state[p]?.data,
          ref.tensor(`${c.name}/param/${p}`).data as Float32Array,
          tolerance.param,
        ),
      );
      for (const slot of program.optimizer.slots) {
        const name = slotName(p, slot);
        failures.push(
          tensorFailure(
            name,
            run.state[name]?.data,
            ref.tensor(`${c.name}/opt/${name}`).data as Float32Array,
            tolerance.param,
          ),
        );
      }
    }
    for (const s of ref.model.state.map((t) => t.name))
      failures.push(
        tensorFailure(
          `state/${s}`,
          run.state[s]?.data,
          ref.tensor(`${c.name}/state/${s}`).data as Float32Array,
          tolerance.state,
        ),
      );
    const evaluated = await compile(evalProgram(ref.model));
    try {
      const trained = [...ref.model.parameters, ...ref.model.state].map((t) => [t.name, feed(run.state, t.name)]);
      const out = await evaluated.run({ images: feed(ref.batch, 'images'), ...Object.fromEntries(trained) });
      for (const o of ref.model.outputs)
        failures.push(
          tensorFailure(
            `eval/${o.name}`,
            out[o.name]?.data,
            ref.tensor(`${c.name}/eval/${o.name}`).data as Float32Array,
            tolerance.eval,
          ),
        );
    } finally {
      await evaluated.dispose();
    }
  } finally {
    await compiled.dispose();
  }
  return failures.filter((f): f is string => f !== undefined);
}

/**
 * The tiny detector trained on the registered loss `name` instead, wired as its registry entry's
 * `training.tinyDetector` says (heads renamed to the loss's inputs, default boxes made into its priors), SGD
 * with momentum. No PyTorch values: for checking that backends agree with the reference interpreter.
 */
export function lossReferenceProblem(
  ref: OptimReference,
  name: LossName,
): { program: TrainingStepProgram; batch: Feeds } {
  const training = lossEntry(name).training;
  const wiring = training?.tinyDetector as TinyDetectorWiring<object> | undefined;
  if (!(training && wiring))
    fail('INVALID_OPTION', `the ${name} loss's registry entry wires no tiny detector (training.tinyDetector)`);
  const model: ModelGraph = {
    ...ref.model,
    outputs: [
      { name: wiring.boxHead, shape: at(ref.model.outputs, 0).shape },
      { name: wiring.classHead, shape: at(ref.model.outputs, 1).shape },
    ],
    emit: (b, feeds, mode) => {
      const f = ref.model.emit(b, feeds, mode);
      return {
        ...f,
        outputs: { [wiring.boxHead]: feed(f.outputs, 'loc_data'), [wiring.classHead]: feed(f.outputs, 'conf_data') },
      };
    },
  };
  const program = trainingStepProgram({
    model,
    loss: training.loss(wiring.options),
    optimizer: sgd({ lr: 0.1, momentum: 0.9 }),
    gradients: true,
  });
  const batch: Feeds = {
    images: feed(ref.batch, 'images'),
    ...wiring.priors(feed(ref.batch, 'dbox_list')),
    targets: feed(ref.batch, 'targets'),
    num_objs: feed(ref.batch, 'num_objs'),
  };
  return { program, batch };
}

/** The registered losses whose entry wires the tiny detector (`training.tinyDetector`), in registry order. */
export function tinyDetectorLosses(): LossName[] {
  return LOSS_NAMES.filter((name) => lossEntry(name).training?.tinyDetector !== undefined);
}

/**
 * Runs the problem of `lossReferenceProblem` for the reference file's steps with `compile` and with the
 * reference interpreter, and returns one line per value of `compile`'s run outside `tolerance` (docs/FIXTURES.md
 * norms) of the interpreter's: loss terms of every step, step 0's gradients, parameters and state after the last
 * step.
 */
export async function checkLossAgainstReference(
  ref: OptimReference,
  name: LossName,
  compile: (program: LossProgram, options?: CompileOptions) => CompiledLoss | Promise<CompiledLoss>,
  reference: (program: LossProgram) => CompiledLoss | Promise<CompiledLoss>,
  tolerance: number,
): Promise<string[]> {
  const { program, batch } = lossReferenceProblem(ref, name);
  const runWith = async (c: CompiledLoss) => {
    try {
      return await runTrainingSteps(c, program, batch, { steps: ref.steps });
    } finally {
      await c.dispose();
    }
  };
  const want = await runWith(await reference(program));
  const got = await runWith(await compile(program));
  const failures: (string | undefined)[] = [];
  want.losses.forEach((terms, k) => {
    for (const [term, w] of Object.entries(terms))
      failures.push(lossFailure(`${term} step ${k}`, got.losses[k]?.[term], w, tolerance));
  });
  for (const p of program.parameters)
    failures.push(
      tensorFailure(`grad/${p}`, got.first[`grad/${p}`]?.data, feed(want.first, `grad/${p}`).data, tolerance),
    );
  for (const [name, t] of Object.entries(want.state))
    failures.push(tensorFailure(name, got.state[name]?.data, t.data, tolerance));
  return failures.filter((f): f is string => f !== undefined);
}
