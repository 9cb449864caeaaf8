import type {
  BytesMoved,
  CompiledLoss,
  CompileOptions,
  DeviceTensor,
  Feeds,
  HostTensor,
  LossProgram,
  Outputs,
  ResidentRuns,
} from '../backend/contract.js';
import { isHostTensor, tensorBytes } from '../backend/prepare.js';
import { fail, LossGraphError } from '../errors.js';
import { rejectUnknownKeys } from '../options/unknown-keys.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { constantLr, type LrSchedule } from './lr-schedule.js';
import type { ModelGraph } from './model.js';
import type { Optimizer } from './optimizer.js';
import type { OptimizerOptions } from './optimizer-options.js';
import { evalProgram, FINITE_CHECK, nextName, type TrainingStepProgram, trainingStepProgram } from './step-program.js';
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
  /**
   * Where the parameters and state live between steps. 'host' (default): host arrays, fed in and read
   * back whole every step. 'device': in the runtime (tfjs tensors, onnxruntime tensors; GPU buffers on
   * onnxruntime-web WebGPU), each step's next values fed to the next step as they are; the host reads
   * the loss terms and one finite-check scalar per step, and parameters on demand. Needs a backend with
   * resident runs (every backend package; not the reference interpreter). 'auto': 'device' where the
   * compiled step has resident runs, else 'host'.
   */
  readonly stateOn?: 'host' | 'device' | 'auto';
}

/** Bytes copied between host memory and the runtime: by the last step, and by every step so far. */
export interface TrainerTransfers {
  /** 'host', or where the runtime keeps the state ('gpu-buffer', 'tfjs tensor (cpu)', ...) */
  readonly stateLocation: string;
  readonly lastStep: BytesMoved;
  readonly total: BytesMoved;
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
  /**
   * every trainable parameter by name (state_dict names); the tensors are the trainer's, do not mutate
   * them. With state on a device they are read from it (once per step); where the runtime cannot read
   * synchronously (a GPU buffer) this fails INVALID_OPTION unless `await download()` ran after the last step.
   */
  parameters(): Record<string, HostTensor>;
  /** one parameter, or LossGraphError 'MISSING_INPUT' naming it (read like `parameters()`) */
  parameter(name: string): HostTensor;
  /** every parameter and state tensor (running stats, optimizer slots) by its step-input name (read like `parameters()`) */
  state(): Record<string, HostTensor>;
  /** every parameter and state tensor copied to the host (no copy with state on the host); kept until the next step */
  download(): Promise<Record<string, HostTensor>>;
  /** the bytes the steps moved between host and runtime */
  transfers(): TrainerTransfers;
  /** the model in eval mode (BatchNorm on the running stats) with the current weights on the batch's model inputs */
  evalOutputs(batch: Feeds): Promise<Outputs>;
  /** a safetensors checkpoint of the parameters, state, step count and optimizer (see `writeCheckpoint`; reads like `state()`) */
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
  rejectUnknownKeys('trainer', options, ['model', 'loss', 'optimizer', 'compile', 'compileOptions', 'lr', 'stateOn']);
  if (typeof options.compile !== 'function')
    fail('INVALID_OPTION', `trainer option 'compile' must be a backend's compile function`, { option: 'compile' });
  if (options.lr !== undefined && typeof options.lr !== 'function')
    fail('INVALID_OPTION', `trainer option 'lr' must be a schedule (a function of the step), e.g. stepLr(...)`, {
      option: 'lr',
    });
  if (options.stateOn !== undefined && !['host', 'device', 'auto'].includes(options.stateOn))
    fail(
      'INVALID_OPTION',
      `trainer option 'stateOn' must be 'host', 'device' or 'auto', got ${JSON.stringify(options.stateOn)}`,
      { option: 'stateOn' },
    );
}

const NO_BYTES: BytesMoved = { toDevice: 0, toHost: 0 };

/** The compiled step's resident runs, or INVALID_OPTION (after releasing it) when its backend has none. */
async function residentOf(compiled: CompiledLoss): Promise<ResidentRuns> {
  if (compiled.resident !== undefined) return compiled.resident;
  await compiled.dispose();
  return fail(
    'INVALID_OPTION',
    `trainer option stateOn 'device': backend ${compiled.backend} cannot keep tensors between runs; use stateOn 'host'`,
    { option: 'stateOn', backend: compiled.backend },
  );
}

/**
 * Compiles the training step of a model, a loss and an optimizer with a backend's `compile`, and returns a
 * Trainer that starts from the model's initial parameters and running stats (optimizer state zero).
 */
export async function createTrainer(options: TrainerOptions): Promise<Trainer> {
  resolveTrainerOptions(options);
  const { model, compile, compileOptions } = options;
  const onDevice = options.stateOn === 'device' || options.stateOn === 'auto';
  const program = trainingStepProgram({
    model: options.model,
    loss: options.loss,
    optimizer: options.optimizer,
    finiteCheck: onDevice,
  });
  const schedule = options.lr ?? constantLr(program.optimizer.options.lr);
  const stateNames = [...program.parameters, ...program.state];
  const nextNames = stateNames.map(nextName);
  const compiled = await compile(program, onDevice ? { ...compileOptions, keepOutputs: nextNames } : compileOptions);
  const resident = options.stateOn === 'auto' ? compiled.resident : onDevice ? await residentOf(compiled) : undefined;
  let evaluated: Promise<CompiledLoss> | undefined;
  // host tensors until the first device step; then what the runtime kept
  let state: Record<string, HostTensor | DeviceTensor> = program.initialState();
  // host copies of device tensors, read since the last step
  let hostCopies: Record<string, HostTensor> = {};
  let stepCount = 0;
  let disposed = false;
  let lastStep = NO_BYTES;
  let total = NO_BYTES;
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
  const finiteNames = [...program.lossTerms, ...nextNames];
  const modelInputs = model.inputs.map((t) => t.name);

  /** Frees the device tensors of `tensors` (host ones need nothing). */
  const release = (tensors: Iterable<HostTensor | DeviceTensor>) => {
    for (const t of tensors) if (!isHostTensor(t)) resident?.release(t);
  };
  /** Replaces the state; the device tensors of the old one are freed. */
  const replaceState = (next: Record<string, HostTensor | DeviceTensor>) => {
    const old = state;
    state = next;
    hostCopies = {};
    release(Object.values(old).filter((t) => !Object.values(next).includes(t)));
  };
  /** A state tensor on the host: itself, its copy since the last step, or read now. */
  const hostTensor = (name: string): HostTensor => {
    const t = state[name];
    if (t === undefined) fail('MISSING_INPUT', `trainer: no parameter or state '${name}'`, { tensor: name });
    if (isHostTensor(t)) return t;
    const copy = hostCopies[name] ?? resident?.downloadSync(t);
    if (copy === undefined)
      fail(
        'INVALID_OPTION',
        `trainer: '${name}' lives in the runtime (${resident?.location}), which cannot read it synchronously; await trainer.download() after the last step first`,
        { tensor: name },
      );
    hostCopies[name] = copy;
    return copy;
  };
  const hostState = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, hostTensor(n)]));
  const download = async (): Promise<Record<string, HostTensor>> => {
    const copies: Record<string, HostTensor> = {};
    for (const [name, t] of Object.entries(state))
      copies[name] = isHostTensor(t) ? t : (hostCopies[name] ?? (await resident!.download(t)));
    hostCopies = Object.fromEntries(Object.entries(copies).filter(([n]) => !isHostTensor(state[n]!)));
    return copies;
  };
  const count = (moved: BytesMoved) => {
    lastStep = moved;
    total = { toDevice: total.toDevice + moved.toDevice, toHost: total.toHost + moved.toHost };
  };

  /** One step with the state on the host: every input in, every output out. */
  const hostStep = async (feeds: Record<string, HostTensor>, number: number) => {
    const out = await compiled.run(feeds);
    count({
      toDevice: Object.values(feeds).reduce((a, t) => a + tensorBytes(t), 0),
      toHost: Object.values(out).reduce((a, t) => a + tensorBytes(t), 0),
    });
    requireFiniteOutputs(out, finiteNames, number);
    replaceState(program.nextState(out));
    return out;
  };

  /** One step with the state in the runtime: the loss terms and the finite check come back, the rest stays. */
  const deviceStep = async (runs: ResidentRuns, feeds: Record<string, HostTensor | DeviceTensor>, number: number) => {
    const { host, kept, moved } = await runs.run(feeds, [...program.lossTerms, FINITE_CHECK], nextNames);
    count(moved);
    try {
      requireFiniteOutputs(host, program.lossTerms, number);
      if (host[FINITE_CHECK]?.data[0] !== 0) {
        // rare: read the next values to name the first that is not finite
        const values: Outputs = {};
        for (const name of nextNames) values[name] = await runs.download(kept[name]!);
        requireFiniteOutputs(values, nextNames, number);
        fail('NON_FINITE', `trainer step ${number}: the finite check is ${host[FINITE_CHECK]?.data[0]}`, {
          tensor: FINITE_CHECK,
          step: number,
        });
      }
    } catch (e) {
      release(Object.values(kept));
      throw e;
    }
    replaceState(Object.fromEntries(stateNames.map((n) => [n, kept[nextName(n)]!])));
    return host;
  };

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
        const feeds = { ...pick(batch, program.batchInputs), ...state, ...scalars };
        let out: Outputs;
        try {
          out =
            resident === undefined
              ? await hostStep(feeds as Record<string, HostTensor>, number)
              : await deviceStep(resident, feeds, number);
        } catch (e) {
          // the runtime's and the checks' errors gain the step; the finite checks name it already
          if (LossGraphError.isInstance(e) && (e.details as { step?: number }).step !== number)
            fail(e.code, `trainer step ${number}: ${e.message}`, { ...e.details, step: number }, e);
          throw e;
        }
        stepCount = number;
        return Object.fromEntries(program.lossTerms.map((t) => [t, out[t]?.data[0] ?? Number.NaN]));
      });
    },
    parameters() {
      return hostState(program.parameters);
    },
    parameter(name) {
      if (!program.parameters.includes(name))
        fail('MISSING_INPUT', `trainer: no parameter '${name}' (parameters: ${program.parameters.join(', ')})`, {
          tensor: name,
        });
      return hostTensor(name);
    },
    state() {
      return hostState(Object.keys(state));
    },
    download() {
      return serial(async () => {
        checkLive('download');
        return download();
      });
    },
    transfers() {
      return { stateLocation: resident?.location ?? 'host', lastStep, total };
    },
    evalOutputs(batch) {
      return serial(async () => {
        checkLive('evalOutputs');
        evaluated ??= Promise.resolve(compile(evalProgram(model), compileOptions));
        const run = await evaluated;
        const feeds: Record<string, HostTensor> = await download();
        for (const name of modelInputs) {
          const t = batch[name];
          if (t === undefined) fail('MISSING_INPUT', `trainer evalOutputs: no model input '${name}'`, { tensor: name });
          feeds[name] = t;
        }
        return run.run(feeds);
      });
    },
    save() {
      return writeCheckpoint(program, { step: stepCount, tensors: hostState(Object.keys(state)) });
    },
    load(bytes, source) {
      checkLive('load');
      // a step in flight would overwrite what is loaded when it finishes
      if (pending > 0)
        fail('INVALID_OPTION', `trainer: load() while ${pending} step or eval run(s) are pending; await them first`);
      const contents = readCheckpoint(program, bytes, state, source);
      replaceState({ ...contents.tensors });
      stepCount = contents.step;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await queue;
      const ev = evaluated;
      evaluated = undefined;
      release(Object.values(state));
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
