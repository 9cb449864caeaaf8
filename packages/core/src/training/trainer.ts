import type { CompiledLoss, CompileOptions, Feeds, HostTensor, LossProgram, Outputs } from '../backend/contract.js';
import { fail, LossGraphError } from '../errors.js';
import { rejectUnknownKeys } from '../options/unknown-keys.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { constantLr, type LrSchedule } from './lr-schedule.js';
import type { ModelGraph } from './model.js';
import type { Optimizer } from './optimizer.js';
import type { OptimizerOptions } from './optimizer-options.js';
import { evalProgram, nextName, type TrainingStepProgram, trainingStepProgram } from './step-program.js';
import type { TrainingLoss } from './training-loss.js';

/** A backend's compile function, as every backend package exports it (`compile` of `@lossgraph/tfjs`, ...). */
export type BackendCompile = (program: LossProgram, options?: CompileOptions) => CompiledLoss | Promise<CompiledLoss>;

export interface TrainerOptions {
  readonly model: ModelGraph;
  readonly loss: TrainingLoss;
  /** `sgd(...)`, `adam(...)`, `adamw(...)` or their options */
  readonly optimizer: Optimizer | OptimizerOptions;
  /** the backend's compile function; the trainer compiles the training step (and, on first use, the eval program) */
  readonly compile: BackendCompile;
  /** options for `compile` (validation, timeouts) */
  readonly compileOptions?: CompileOptions;
  /** the learning rate of each step (`stepLr(...)`, `warmup(cosineLr(...), ...)`). Default: the optimizer's lr. */
  readonly lr?: LrSchedule;
}

/**
 * Training on any backend: a compiled training step whose next parameters and state become the inputs of
 * the step after it. Steps run one at a time, in call order.
 */
export interface Trainer {
  readonly program: TrainingStepProgram;
  /** optimizer steps taken (a rejected step is not counted) */
  readonly stepCount: number;
  /** the learning rate the next step uses */
  readonly lr: number;
  /**
   * One optimizer step on `batch` (the step's `batchInputs`): resolves to the loss terms of its forward
   * (before the update). A step whose loss terms or next parameters or state hold NaN or ±Inf changes
   * nothing and rejects with LossGraphError 'NON_FINITE' naming the step and the first such tensor; any
   * failure of the run rejects with the step number added to the error's details and keeps the state.
   */
  step(batch: Feeds): Promise<Record<string, number>>;
  /** every trainable parameter by name (state_dict names); the tensors are the trainer's, do not mutate them */
  parameters(): Record<string, HostTensor>;
  /** one parameter, or LossGraphError 'MISSING_INPUT' naming it */
  parameter(name: string): HostTensor;
  /** every parameter and state tensor (running stats, optimizer slots) by its step-input name */
  state(): Record<string, HostTensor>;
  /** the model in eval mode (BatchNorm on the running stats) with the current weights on the batch's model inputs */
  evalOutputs(batch: Feeds): Promise<Outputs>;
  /** a safetensors checkpoint of the parameters, state, step count and optimizer (see `writeCheckpoint`) */
  save(): Uint8Array;
  /**
   * Restores a checkpoint of `save()`: the next step continues exactly where the saved trainer would have.
   * Call it between steps (INVALID_OPTION while a step or eval run is pending).
   */
  load(bytes: Uint8Array, source?: string): void;
  /** releases the compiled programs; later steps reject with LossGraphError 'DISPOSED' */
  dispose(): Promise<void>;
}

/** The feeds of `batch` that `names` lists (a batch may carry more, such as what only the eval program reads). */
function pick(batch: Feeds, names: readonly string[]): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  for (const name of names) {
    const t = batch[name];
    if (t !== undefined) out[name] = t;
  }
  return out;
}

/** The first element that is NaN or ±Inf, or -1. */
function firstNonFinite(data: HostTensor['data']): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

/** Fails 'NON_FINITE' naming the first of `names` in `outputs` with a value that is not finite. */
function requireFiniteOutputs(outputs: Outputs, names: readonly string[], step: number): void {
  for (const name of names) {
    const t = outputs[name];
    if (t === undefined)
      fail('MISSING_INPUT', `trainer step ${step}: the step gave no output '${name}'`, { tensor: name });
    const index = firstNonFinite(t.data);
    if (index >= 0)
      fail(
        'NON_FINITE',
        `trainer step ${step}: '${name}' holds ${t.data[index]} at index ${index}; the step was not applied (parameters and state kept)`,
        { tensor: name, index, step },
      );
  }
}

function resolveTrainerOptions(options: TrainerOptions): void {
  if (typeof options !== 'object' || options === null)
    fail('INVALID_OPTION', `trainer options must be an object, got ${JSON.stringify(options)}`);
  rejectUnknownKeys('trainer', options, ['model', 'loss', 'optimizer', 'compile', 'compileOptions', 'lr']);
  if (typeof options.compile !== 'function')
    fail('INVALID_OPTION', `trainer option 'compile' must be a backend's compile function`, { option: 'compile' });
  if (options.lr !== undefined && typeof options.lr !== 'function')
    fail('INVALID_OPTION', `trainer option 'lr' must be a schedule (a function of the step), e.g. stepLr(...)`, {
      option: 'lr',
    });
}

/**
 * Compiles the training step of a model, a loss and an optimizer with a backend's `compile`, and returns a
 * Trainer that starts from the model's initial parameters and running stats (optimizer state zero).
 */
export async function createTrainer(options: TrainerOptions): Promise<Trainer> {
  resolveTrainerOptions(options);
  const { model, compile, compileOptions } = options;
  const program = trainingStepProgram({ model: options.model, loss: options.loss, optimizer: options.optimizer });
  const schedule = options.lr ?? constantLr(program.optimizer.options.lr);
  const compiled = await compile(program, compileOptions);
  let evaluated: Promise<CompiledLoss> | undefined;
  let state: Record<string, HostTensor> = program.initialState();
  let stepCount = 0;
  let disposed = false;
  // steps and eval runs queue behind each other, so each reads the state the previous one left
  let queue: Promise<unknown> = Promise.resolve();
  let pending = 0;
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    pending++;
    const next = queue.then(work, work).finally(() => pending--);
    queue = next.catch(() => undefined);
    return next;
  };
  const checkLive = (what: string) => {
    if (disposed) fail('DISPOSED', `trainer: ${what} after dispose()`);
  };
  const finiteNames = [...program.lossTerms, ...[...program.parameters, ...program.state].map(nextName)];
  const modelInputs = model.inputs.map((t) => t.name);

  return {
    program,
    get stepCount() {
      return stepCount;
    },
    get lr() {
      return schedule(stepCount);
    },
    step(batch) {
      return serial(async () => {
        checkLive('step');
        const number = stepCount + 1;
        const scalars = program.optimizer.stepScalars(number, schedule(stepCount));
        let out: Outputs;
        try {
          out = await compiled.run({ ...pick(batch, program.batchInputs), ...state, ...scalars });
        } catch (e) {
          if (LossGraphError.isInstance(e))
            fail(e.code, `trainer step ${number}: ${e.message}`, { ...e.details, step: number }, e);
          throw e;
        }
        requireFiniteOutputs(out, finiteNames, number);
        state = program.nextState(out);
        stepCount = number;
        return Object.fromEntries(program.lossTerms.map((t) => [t, out[t]?.data[0] ?? Number.NaN]));
      });
    },
    parameters() {
      return pick(state, program.parameters);
    },
    parameter(name) {
      const t = program.parameters.includes(name) ? state[name] : undefined;
      if (t === undefined)
        fail('MISSING_INPUT', `trainer: no parameter '${name}' (parameters: ${program.parameters.join(', ')})`, {
          tensor: name,
        });
      return t;
    },
    state() {
      return { ...state };
    },
    evalOutputs(batch) {
      return serial(async () => {
        checkLive('evalOutputs');
        evaluated ??= Promise.resolve(compile(evalProgram(model), compileOptions));
        const run = await evaluated;
        const feeds: Record<string, HostTensor> = { ...state };
        for (const name of modelInputs) {
          const t = batch[name];
          if (t === undefined) fail('MISSING_INPUT', `trainer evalOutputs: no model input '${name}'`, { tensor: name });
          feeds[name] = t;
        }
        return run.run(feeds);
      });
    },
    save() {
      return writeCheckpoint(program, { step: stepCount, tensors: state });
    },
    load(bytes, source) {
      checkLive('load');
      // a step in flight would overwrite what is loaded when it finishes
      if (pending > 0)
        fail('INVALID_OPTION', `trainer: load() while ${pending} step or eval run(s) are pending; await them first`);
      const contents = readCheckpoint(program, bytes, state, source);
      state = { ...contents.tensors };
      stepCount = contents.step;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await queue;
      const ev = evaluated;
      evaluated = undefined;
      await Promise.all([
        compiled.dispose(),
        ev?.then(
          (e) => e.dispose(),
          () => undefined,
        ),
      ]);
    },
  };
}
