import { fail, LossGraphError } from '../errors.js';
import { type Graph, inputName, valueInfo } from '../ir/graph.js';
import type { SymbolEnv } from '../ir/types.js';
import { applyRules, type OptionRule, type OptionRules } from '../options/rules.js';
import { rejectUnknownKeys } from '../options/unknown-keys.js';
import { verify } from '../passes/verify.js';
import {
  asProgram,
  type CompiledLoss,
  type CompileOptions,
  type DeviceTensor,
  type Feeds,
  type HostTensor,
  type LossProgram,
  type Outputs,
  type ResidentRuns,
  type Timeouts,
} from './contract.js';
import { feed } from './feed.js';
import {
  checkMixedStructure,
  checkShapes,
  checkStructure,
  type FeedShapes,
  isHostTensor,
  narrowFeeds,
  tensorBytes,
} from './prepare.js';
import { SerialQueue } from './serial-queue.js';
import { DEFAULT_TIMEOUTS, withTimeout } from './timeout.js';

/** The options every backend resolves (CompileOptions with its defaults filled in). */
export interface CoreOptions {
  readonly validate: boolean;
  /** outputs resident runs keep in the runtime (the backend may place them there when it compiles) */
  readonly keepOutputs: readonly string[];
  readonly timeouts: Required<Timeouts>;
}

/** What a backend gives back for one compiled graph: its runtime's own work, nothing else. */
export interface CompiledGraph<Extra extends object = object> {
  /** what runs it, e.g. 'cpu', 'wasm', 'cuda' */
  readonly device: string;
  /** stable backend name of the compiled loss; default `${spec.name}-${device}` */
  readonly backend?: string;
  /**
   * Runs on feeds that passed every check (float32 data as Float32Array on float32 backends); resolves
   * to exactly `outputs`, all of them names of this graph's outputs.
   */
  run(feeds: Feeds, outputs: readonly string[], env: SymbolEnv): Promise<Outputs>;
  dispose(): void | Promise<void>;
  /** members added to the compiled loss (e.g. tfjs `apply`); only the exact program's count */
  readonly extra?: Extra;
  /**
   * Set when this runtime cannot survive a kernel failing on bad values: the program's value scans
   * then run even with `validate: false`, and this says why (see @lossgraph/onnxruntime-web).
   */
  readonly valueChecksRequired?: string;
  /** runs that keep outputs in the runtime (see ResidentRuns); core adds the checks, queue, timeout and byte count */
  readonly resident?: ResidentGraph;
}

/** A backend's resident runs, on feeds that passed the checks (host float64 feeds narrowed). */
export interface ResidentGraph {
  readonly location: string;
  readonly keptCrossesHost: boolean;
  run(
    feeds: Readonly<Record<string, HostTensor | DeviceTensor>>,
    read: readonly string[],
    keep: readonly string[],
    env: SymbolEnv,
  ): Promise<{ host: Outputs; kept: Record<string, DeviceTensor> }>;
  download(t: DeviceTensor): Promise<HostTensor>;
  downloadSync(t: DeviceTensor): HostTensor | undefined;
  release(t: DeviceTensor): void;
}

/** The wrapper's checks, for backend members (such as tfjs `apply`) that take inputs of their own. */
export interface GraphContext {
  /** the program of this graph */
  readonly program: LossProgram;
  readonly options: CoreOptions;
  /** throws LossGraphError 'DISPOSED' once the compiled loss was disposed */
  assertLive(): void;
  /** `names` checked against the graph's outputs (INVALID_GRAPH naming an unknown one); all outputs when undefined */
  outputsFor(names: readonly string[] | undefined): readonly string[];
  /**
   * For inputs held by the runtime (tfjs tensors): presence, dtype and shape, the program's
   * `checkInputs`, then its value scans on `values()` unless validation is off. Returns the bound dims.
   */
  checkTensors(shapes: FeedShapes, values: () => Feeds): SymbolEnv;
}

/** A backend as core sees it: its name, its own options, and "compile this graph". */
export interface BackendSpec<R extends object, Extra extends object = object> {
  /** e.g. 'onnxruntime-node': names the backend in errors and warnings */
  readonly name: string;
  /** one rule per option of this backend (besides `validate` and `timeouts`, which core resolves) */
  readonly options: OptionRules<R>;
  /**
   * 'float32' (default): float64 feeds of float32 inputs are narrowed once, before the value scans, so
   * the scans see what the runtime computes on. 'float64': feeds are passed as they are.
   */
  readonly precision?: 'float32' | 'float64';
  /** 'parallel' (default): runs may overlap. 'serial': one run at a time, later calls wait their turn. */
  readonly concurrency?: 'parallel' | 'serial';
  compileGraph(
    graph: Graph,
    options: R & CoreOptions,
    context: GraphContext,
  ): CompiledGraph<Extra> | Promise<CompiledGraph<Extra>>;
}

/** The `compile` function of a backend package. */
export type CompileFunction<Opts extends CompileOptions, Extra extends object = object> = <
  I extends string = string,
  O extends string = string,
>(
  graphOrProgram: Graph | LossProgram<I, O>,
  options?: Opts,
) => Promise<CompiledLoss<I, O> & Extra>;

const positiveMs =
  (name: string): OptionRule<number> =>
  (v, invalid) =>
    v === undefined
      ? DEFAULT_TIMEOUTS[name as keyof typeof DEFAULT_TIMEOUTS]
      : typeof v === 'number' && v > 0 && !Number.isNaN(v)
        ? v
        : invalid('a number of milliseconds > 0 (Infinity: no limit)');

const CORE_RULES: OptionRules<CoreOptions> = {
  keepOutputs: (v, invalid) =>
    v === undefined
      ? []
      : Array.isArray(v) && v.every((n) => typeof n === 'string')
        ? [...v]
        : invalid('a list of output names'),
  validate: (v, invalid) => (v === undefined ? true : typeof v === 'boolean' ? v : invalid('a boolean')),
  timeouts: (v, invalid) => {
    if (v === undefined) return { ...DEFAULT_TIMEOUTS };
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      invalid('an object { compile?, run? } of milliseconds');
    rejectUnknownKeys('timeouts', v as object, ['compile', 'run']);
    return applyRules('timeouts', v as Record<string, unknown>, {
      compile: positiveMs('compile'),
      run: positiveMs('run'),
    });
  },
};

function resolveOptions<R extends object>(spec: BackendSpec<R, object>, options: unknown): R & CoreOptions {
  const owner = `${spec.name} compile`;
  const given = options ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    fail('INVALID_OPTION', `${owner} options must be an object, got ${JSON.stringify(options)}`);
  rejectUnknownKeys(owner, given, [...Object.keys(CORE_RULES), ...Object.keys(spec.options)]);
  return {
    ...applyRules(owner, given as Record<string, unknown>, spec.options),
    ...applyRules(owner, given as Record<string, unknown>, CORE_RULES),
  };
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Empty data of the right kind: what `checkInputs` sees for tensors whose values stay on a device. */
const EMPTY = {
  float32: () => new Float32Array(0),
  int32: () => new Int32Array(0),
  bool: () => new Uint8Array(0),
} as const;

/** Mutable state of one compiled loss, shared by its graphs. */
interface State {
  disposed: boolean;
  /** set when a run timed out: the runtime may still be busy with it */
  broken: LossGraphError | undefined;
  readonly running: Set<Promise<unknown>>;
}

function contextFor(
  program: LossProgram,
  options: CoreOptions,
  state: State,
  label: () => string,
  valueChecks: () => boolean,
): GraphContext {
  const names = program.graph.outputs.map((o) => o.name);
  return {
    program,
    options,
    assertLive() {
      if (state.disposed)
        fail('DISPOSED', `${label()} compiled loss was disposed; compile the graph again to run it`, {
          backend: label(),
        });
    },
    outputsFor(wanted) {
      if (wanted === undefined) return names;
      if (!Array.isArray(wanted))
        fail('INVALID_GRAPH', `${label()}: outputs must be a list of output names, got ${JSON.stringify(wanted)}`);
      for (const name of wanted) {
        if (!names.includes(name))
          fail('INVALID_GRAPH', `${label()}: the graph has no output '${name}' (outputs: ${names.join(', ')})`, {
            tensor: name,
          });
      }
      return wanted;
    },
    checkTensors(shapes, values) {
      const env = checkShapes(program.graph, shapes);
      if (program.checkInputs !== undefined) {
        const infos: Record<string, HostTensor> = {};
        for (const id of program.graph.inputs) {
          const v = valueInfo(program.graph, id);
          const name = inputName(program.graph, id);
          infos[name] = { dtype: v.dtype, shape: feed(shapes, name).shape, data: EMPTY[v.dtype]() };
        }
        program.checkInputs(infos);
      }
      if (valueChecks()) program.validateInputs?.(values());
      return env;
    },
  };
}

/**
 * Builds a backend's `compile` from its spec. Core then does, for every backend: option validation
 * (unknown keys name the closest valid one), bounded waits (`timeouts`), the feed checks of the
 * LossProgram contract (structure always, value scans unless `validate: false`, on float32-narrowed
 * data), the dispose guard, the output-name check, the concurrency policy, and runtime failures as
 * LossGraphError. The backend compiles and runs graphs, nothing more.
 */
export function defineBackend<Opts extends CompileOptions, R extends object, Extra extends object = object>(
  spec: BackendSpec<R, Extra>,
): CompileFunction<Opts, Extra> {
  return (async (graphOrProgram: Graph | LossProgram, options?: Opts) => {
    const { program, resolved } = prepare(spec, graphOrProgram, options);
    const state: State = { disposed: false, broken: undefined, running: new Set() };
    const exact = await compileTimed(spec, program, resolved, state);
    return assemble(spec, program, resolved, state, exact);
  }) as CompileFunction<Opts, Extra>;
}

/**
 * The synchronous form, for backends whose compile is synchronous (the reference interpreter): same
 * wrapper, no compile timeout. `spec.compileGraph` must not return a promise.
 */
export function defineSyncBackend<Opts extends CompileOptions, R extends object, Extra extends object = object>(
  spec: BackendSpec<R, Extra>,
) {
  return <I extends string = string, O extends string = string>(
    graphOrProgram: Graph | LossProgram<I, O>,
    options?: Opts,
  ): CompiledLoss<I, O> & Extra => {
    const { program, resolved } = prepare(spec, graphOrProgram as Graph | LossProgram, options);
    const state: State = { disposed: false, broken: undefined, running: new Set() };
    const label = () => spec.name;
    const exact = spec.compileGraph(
      program.graph,
      resolved,
      contextFor(program, resolved, state, label, () => resolved.validate),
    );
    if (exact instanceof Promise) throw new Error(`${spec.name}: compileGraph returned a promise; use defineBackend`);
    return assemble(spec, program, resolved, state, exact) as unknown as CompiledLoss<I, O> & Extra;
  };
}

function prepare<R extends object>(
  spec: BackendSpec<R, object>,
  graphOrProgram: Graph | LossProgram,
  options: unknown,
) {
  if (typeof graphOrProgram !== 'object' || graphOrProgram === null)
    fail('INVALID_GRAPH', `${spec.name}: compile() needs a Graph or a LossProgram, got ${String(graphOrProgram)}`);
  const resolved = resolveOptions(spec, options);
  const program = asProgram(graphOrProgram);
  verify(program.graph);
  return { program, resolved };
}

/** Compiles one program's graph under the compile timeout; a session that arrives late is released. */
function compileTimed<R extends object, Extra extends object>(
  spec: BackendSpec<R, Extra>,
  program: LossProgram,
  resolved: R & CoreOptions,
  state: State,
) {
  const ms = resolved.timeouts.compile;
  const context = contextFor(
    program,
    resolved,
    state,
    () => spec.name,
    () => resolved.validate,
  );
  const work = Promise.resolve().then(() => {
    verify(program.graph);
    return spec.compileGraph(program.graph, resolved, context);
  });
  return withTimeout(
    work,
    ms,
    () =>
      `${spec.name}: compile did not finish within ${ms} ms (timeouts.compile); the runtime may be stuck loading (see the backend's README)`,
    { backend: spec.name, stage: 'compile' },
    (late) => void Promise.resolve(late.dispose()).catch(() => undefined),
  );
}

function assemble<R extends object, Extra extends object>(
  spec: BackendSpec<R, Extra>,
  program: LossProgram,
  resolved: R & CoreOptions,
  state: State,
  exact: CompiledGraph<Extra>,
): CompiledLoss & Extra {
  const backend = exact.backend ?? `${spec.name}-${exact.device}`;
  const valueChecks = () => resolved.validate || exact.valueChecksRequired !== undefined;
  const context = contextFor(program, resolved, state, () => backend, valueChecks);
  const queue = spec.concurrency === 'serial' ? new SerialQueue() : undefined;

  const brokenError = (cause: LossGraphError) =>
    new LossGraphError(
      'TIMEOUT',
      `${backend}: an earlier run did not finish within ${resolved.timeouts.run} ms and may still occupy the runtime; dispose() this compiled loss and compile again`,
      { backend, stage: 'run' },
      { cause },
    );

  /** One run of the runtime: queued (serial backends), bounded by the run timeout, failures as LossGraphError. */
  const runTask = <T>(run: () => Promise<T>): Promise<T> => {
    const task = async () => {
      if (state.broken) throw brokenError(state.broken);
      context.assertLive();
      const work = Promise.resolve().then(run);
      state.running.add(work);
      const settled = () => state.running.delete(work);
      work.then(settled, settled);
      const ms = resolved.timeouts.run;
      try {
        return await withTimeout(work, ms, () => `${backend}: a run did not finish within ${ms} ms (timeouts.run)`, {
          backend,
          stage: 'run',
        });
      } catch (error) {
        if (LossGraphError.isInstance(error)) {
          if (error.code === 'TIMEOUT' && (error.details as { stage?: string }).stage === 'run') state.broken ??= error;
          throw error;
        }
        throw new LossGraphError(
          'KERNEL_ERROR',
          `${backend} failed to run the graph: ${message(error)}`,
          { backend },
          { cause: error },
        );
      }
    };
    return queue === undefined ? task() : queue.run(task);
  };

  const loss: CompiledLoss = {
    backend,
    device: exact.device,
    outputNames: program.graph.outputs.map((o) => o.name),
    async run(feeds, outputs) {
      context.assertLive();
      if (state.broken) throw brokenError(state.broken);
      const wanted = context.outputsFor(outputs);
      const env = checkStructure(program, feeds);
      const ready = spec.precision === 'float64' ? feeds : narrowFeeds(program.graph, feeds);
      if (valueChecks()) program.validateInputs?.(ready);
      return runTask(() => exact.run(ready, wanted, env));
    },
    async dispose() {
      if (state.disposed) return;
      state.disposed = true;
      const release = async () => {
        await exact.dispose();
      };
      const running = Promise.allSettled([...state.running]);
      // a timed-out run may never end: release once it does, without making dispose() wait for it
      if (state.broken) void running.then(release).catch(() => undefined);
      else await running.then(release);
    },
  };
  const resident = exact.resident && residentRuns(exact.resident, program, context, valueChecks, runTask);
  return Object.assign(loss, resident && { resident }, exact.extra) as CompiledLoss & Extra;
}

/**
 * The checked form of a backend's resident runs: the structural checks on every feed, value scans on
 * the host feeds, the run queued and timed like `run`, and the bytes it moved counted.
 */
function residentRuns(
  graph: ResidentGraph,
  program: LossProgram,
  context: GraphContext,
  valueChecks: () => boolean,
  runTask: <T>(run: () => Promise<T>) => Promise<T>,
): ResidentRuns {
  const crossing = (t: HostTensor | DeviceTensor) => (isHostTensor(t) || graph.keptCrossesHost ? tensorBytes(t) : 0);
  return {
    location: graph.location,
    keptCrossesHost: graph.keptCrossesHost,
    async run(feeds, read, keep) {
      context.assertLive();
      context.outputsFor(read);
      context.outputsFor(keep);
      const { env, host } = checkMixedStructure(program, feeds);
      const narrowed = narrowFeeds(program.graph, { ...feeds, ...host } as Feeds);
      if (valueChecks()) {
        const hostNarrowed = Object.fromEntries(Object.keys(host).map((n) => [n, narrowed[n]!]));
        program.validateInputs?.(hostNarrowed);
      }
      const ready = { ...feeds, ...Object.fromEntries(Object.keys(host).map((n) => [n, narrowed[n]!])) };
      const out = await runTask(() => graph.run(ready, read, keep, env));
      let toDevice = 0;
      for (const id of program.graph.inputs) toDevice += crossing(feeds[inputName(program.graph, id)]!);
      let toHost = 0;
      for (const t of Object.values(out.host)) toHost += tensorBytes(t);
      for (const t of Object.values(out.kept)) toHost += crossing(t);
      return { ...out, moved: { toDevice, toHost } };
    },
    download: (t) => graph.download(t),
    downloadSync: (t) => graph.downloadSync(t),
    release: (t) => graph.release(t),
  };
}
