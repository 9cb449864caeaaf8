import type { Graph } from '../ir/graph.js';
import type { DType } from '../ir/types.js';

/** A tensor in host memory, as fed to and returned by every backend. */
export interface HostTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** float32 values as Float32Array (the reference interpreter returns Float64Array), int32 as Int32Array, bool as Uint8Array */
  readonly data: Float32Array | Float64Array | Int32Array | Uint8Array;
}

export type Feeds = Readonly<Record<string, HostTensor>>;
export type Outputs = Record<string, HostTensor>;

/**
 * What a backend compiles: a graph, plus the checks its inputs must pass before it runs. Losses build
 * these (`multiboxLossProgram`); backends never know which loss they run.
 */
export interface LossProgram {
  readonly graph: Graph;
  /** throws LossGraphError on bad input (bad shapes, NaN, degenerate boxes, ...) */
  readonly validateInputs?: (feeds: Feeds) => void;
  /** a cheaper program to try first; a backend that ignores it still computes the same results */
  readonly fastPath?: FastPath;
}

/**
 * A cheaper variant of a program that gives the same results wherever it applies, and says itself
 * (through `flags` outputs) when its result does not stand; then the exact program runs instead.
 * `compileWithFastPath` runs this protocol on any backend.
 */
export interface FastPath {
  readonly program: LossProgram;
  /** whether the fast program can take these feeds at all (e.g. enough default boxes) */
  readonly applies: (feeds: Feeds) => boolean;
  /** outputs of the fast program that only decide whether its result stands; never returned */
  readonly flags: readonly string[];
  /** whether the fast program's result stands */
  readonly accept: (outputs: Outputs) => boolean;
}

export interface CompileOptions {
  /**
   * Check every feed before each run (default true). `false` skips the checks for hot loops: bad input
   * then gives undefined results (NaN, or silently wrong numbers) instead of an error.
   */
  readonly validate?: boolean;
}

/** A compiled graph on one runtime. Every backend package returns this shape from `compile`. */
export interface CompiledLoss {
  /** stable backend name, e.g. 'reference', 'tfjs-cpu', 'onnxruntime-node-cpu' */
  readonly backend: string;
  /** what actually runs it: the tfjs backend or the execution provider in use */
  readonly device: string;
  readonly outputNames: readonly string[];
  /** runs the graph; resolves to every output (or the named ones) */
  run(feeds: Feeds, outputs?: readonly string[]): Promise<Outputs>;
  /** releases the runtime's resources; later runs fail with LossGraphError 'DISPOSED' */
  dispose(): Promise<void>;
}

export function asProgram(graphOrProgram: Graph | LossProgram): LossProgram {
  return 'graph' in graphOrProgram ? graphOrProgram : { graph: graphOrProgram };
}
