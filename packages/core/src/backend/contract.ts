import type { Graph } from '../ir/graph.js';
import type { DType } from '../ir/types.js';

/** A tensor in host memory, as fed to and returned by every backend. */
export interface HostTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** float32 values as Float32Array (the reference interpreter returns Float64Array), int32 as Int32Array, bool as Uint8Array */
  readonly data: Float32Array | Float64Array | Int32Array | Uint8Array;
}

/** Feeds by input name. `I` narrows the names (default: any string). */
export type Feeds<I extends string = string> = Readonly<Record<I, HostTensor>>;
/** Outputs by output name. `O` narrows the names (default: any string). */
export type Outputs<O extends string = string> = Record<O, HostTensor>;

/**
 * What a backend compiles: a graph, plus the checks its inputs must pass before it runs. Losses build
 * these (`multiboxLossProgram`); backends never know which loss they run. `I` and `O` name the inputs
 * and outputs (default: any string): a program typed by its names types every loss compiled from it, so
 * a misspelt feed or output is a type error. (The hooks are methods, so a typed program still passes
 * where a `LossProgram` of any names is expected.)
 *
 * Every run checks, in this order: presence, dtype and shape of every feed against the graph (always);
 * `checkInputs` (always); float64 feeds narrowed to float32 on float32 backends; `validateInputs` (unless
 * the loss was compiled with `validate: false`). Both hooks throw LossGraphError naming the tensor.
 *
 * `_O` is read by no member: it rides on the type so that `compile(program)` infers the output names from it.
 */
export interface LossProgram<I extends string = string, _O extends string = string> {
  readonly graph: Graph;
  /**
   * Structural checks the graph needs that the generic shape check cannot express (sizes such as B >= 1
   * or C >= 2). Always runs, even with `validate: false`. Reads dtypes and shapes only: under tfjs
   * `apply()` the feeds' values stay on the device and `data` is empty here.
   */
  checkInputs?(feeds: Feeds<I>): void;
  /**
   * Value scans (NaN, degenerate boxes, labels, counts in range), on the values the backend will compute
   * with (float32 on float32 backends). Skipped with `validate: false`.
   */
  validateInputs?(feeds: Feeds<I>): void;
}

/** Bounded waits, in milliseconds (`Infinity`: wait forever). */
export interface Timeouts {
  /** compiling (a runtime session, a page, a wasm module to fetch). Default 120 000. */
  readonly compile?: number;
  /** one run (the runtime's own work; a run waiting for an earlier one is not counted). Default 300 000. */
  readonly run?: number;
}

/** The options every backend takes, besides its own. */
export interface CompileOptions {
  /**
   * Run the program's value scans (`validateInputs`) before each run (default true). `false` skips them
   * for hot loops: bad values then give undefined results (NaN, or silently wrong numbers) instead of an
   * error. Presence, dtype and shape checks and the program's `checkInputs` run regardless, and a
   * backend whose runtime would fail outside the run on bad values (onnxruntime-web with wasm threads)
   * runs the value scans anyway.
   */
  readonly validate?: boolean;
  /** compile and run reject with LossGraphError 'TIMEOUT' instead of waiting longer than this */
  readonly timeouts?: Timeouts;
  /**
   * Outputs that `resident.run` will keep in the runtime's memory. A runtime that fixes where an output
   * lives when its session opens (onnxruntime-web WebGPU: GPU buffers) places these there; plain `run`
   * still returns them on the host. Others ignore it. Default: none.
   */
  readonly keepOutputs?: readonly string[];
}

/**
 * A tensor held by a runtime (a tf.Tensor, an onnxruntime Tensor in a GPU buffer): only the `resident`
 * runs of the compiled loss that made it read it. Release it with `resident.release` once unused.
 */
export interface DeviceTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** Bytes one run copied between host (JavaScript) memory and the runtime's memory. */
export interface BytesMoved {
  readonly toDevice: number;
  readonly toHost: number;
}

/** What a resident run gives back: the outputs read on the host, the outputs kept, and the bytes it moved. */
export interface ResidentResult {
  readonly host: Outputs;
  readonly kept: Record<string, DeviceTensor>;
  readonly moved: BytesMoved;
}

/**
 * Runs whose outputs can stay in the runtime and come back as inputs of the next run (training state
 * kept on the device between steps). Feeds mix HostTensors and DeviceTensors of this compiled loss; the
 * structural checks cover both, value scans (`validateInputs`) see the host feeds only (a kept tensor's
 * values never reach the host: whoever made it vouches for them).
 */
export interface ResidentRuns {
  /** where kept tensors live, e.g. 'tfjs tensor (wasm)', 'gpu-buffer', 'ort tensor in host memory' */
  readonly location: string;
  /**
   * true when a kept tensor still crosses between host memory and the runtime on every run (onnxruntime
   * tensors in host memory: the wasm heap, a CUDA device); its bytes then count in `moved`.
   */
  readonly keptCrossesHost: boolean;
  /**
   * Runs the graph: `read` outputs come back as HostTensors, `keep` outputs as DeviceTensors the caller
   * owns. Failures reject like `run`; nothing is kept then.
   */
  run(
    feeds: Readonly<Record<string, HostTensor | DeviceTensor>>,
    read: readonly string[],
    keep: readonly string[],
  ): Promise<ResidentResult>;
  /** the tensor's values on the host (a copy for runtimes on a device) */
  download(t: DeviceTensor): Promise<HostTensor>;
  /** the values synchronously, or undefined where the runtime cannot (a GPU buffer) */
  downloadSync(t: DeviceTensor): HostTensor | undefined;
  /** frees the tensor (idempotent); it must not be fed again */
  release(t: DeviceTensor): void;
}

/** A compiled graph on one runtime. Every backend package returns this shape from `compile`. */
export interface CompiledLoss<I extends string = string, O extends string = string> {
  /** stable backend name, e.g. 'reference', 'tfjs-cpu', 'onnxruntime-node-cpu' */
  readonly backend: string;
  /** what actually runs it: the tfjs backend or the execution provider in use */
  readonly device: string;
  readonly outputNames: readonly O[];
  /** runs the graph; resolves to every output (or the named ones). Every failure is a rejection. */
  run(feeds: Feeds<I>, outputs?: readonly O[]): Promise<Outputs<O>>;
  /** releases the runtime's resources; later runs fail with LossGraphError 'DISPOSED' */
  dispose(): Promise<void>;
  /** runs that keep outputs in the runtime (absent on backends without them, such as the reference) */
  readonly resident?: ResidentRuns;
}

export function asProgram<I extends string = string, O extends string = string>(
  graphOrProgram: Graph | LossProgram<I, O>,
): LossProgram<I, O> {
  return 'graph' in graphOrProgram ? graphOrProgram : { graph: graphOrProgram };
}
