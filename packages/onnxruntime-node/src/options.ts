import { optionRules } from '@lossgraph/core';
import type { OrtCompileOptions, OrtResolved } from '@lossgraph/onnxruntime-common';

export type { GraphOptimizationLevel } from '@lossgraph/onnxruntime-common';

/** Execution providers this package drives. `cuda` needs the CUDA provider installed (see the README). */
export type ExecutionProvider = 'cpu' | 'cuda';
export const PROVIDERS: readonly ExecutionProvider[] = ['cpu', 'cuda'];

/** Options of `compile`: onnxruntime-node's own choices, plus the shared ones (README, "Options"). */
export interface OnnxRuntimeNodeOptions extends OrtCompileOptions<ExecutionProvider> {
  /** threads inside one operator (default: onnxruntime's, one per physical core) */
  readonly intraOpNumThreads?: number;
  /**
   * Whether the intra-op threads spin while they wait for work (ORT's `session.intra_op.allow_spinning`).
   * Default: onnxruntime's (true). `false` frees the cores between operators, which helps on a busy machine.
   */
  readonly intraOpSpinning?: boolean;
  /**
   * Whether onnxruntime plans one memory block for all of a run's intermediate tensors up front (its
   * `enableMemPattern`). Default here: false, unlike onnxruntime (true): for a loss over large tensors
   * (class logits over every anchor, [B, A, C], and their gradient) the planned block comes on top of the memory arena and
   * raises the peak by about half (README, "Options"), for no measurable speed.
   */
  readonly enableMemPattern?: boolean;
  /** Whether the CPU provider keeps freed memory in its arena for later runs (onnxruntime's `enableCpuMemArena`; default true). */
  readonly enableCpuMemArena?: boolean;
}

export interface NodeOptions {
  readonly intraOpNumThreads: number | undefined;
  readonly intraOpSpinning: boolean | undefined;
  readonly enableMemPattern: boolean;
  readonly enableCpuMemArena: boolean;
}

export type ResolvedOptions = OrtResolved<ExecutionProvider> & NodeOptions;

export const NODE_OPTION_RULES = {
  intraOpNumThreads: optionRules.integer(1),
  intraOpSpinning: (v: unknown, invalid: (want: string) => never) =>
    v === undefined ? undefined : typeof v === 'boolean' ? v : invalid('a boolean'),
  enableMemPattern: optionRules.boolean(false),
  enableCpuMemArena: optionRules.boolean(true),
};
