import type { Feeds, LossProgram } from '@lossgraph/core';
import type { PerfConfig } from '../perf/perf-json.js';

/** The script that times a loss's original (PyTorch side), and the modules it needs. */
export interface OriginalTimer {
  readonly script: string;
  readonly modules: readonly string[];
  readonly what: string;
}

/**
 * A loss's synthetic timing problem for `bench perf` (one per registered loss, problems/index.ts): its
 * defaults, its own flags, the program and inputs a worker builds, and the PyTorch original, if any.
 * `P` is the problem's fields as the perf JSON config records them.
 */
export interface PerfProblemEntry<P extends { readonly loss: string; readonly classes: number }> {
  readonly defaults: { readonly batches: readonly number[]; readonly problem: P };
  /** the `bench perf` flags only this loss takes (besides --classes) */
  readonly flags: readonly string[];
  /** the problem from the command line's flags (UsageError on a bad value) */
  parse(f: Readonly<Record<string, string | undefined>>): P;
  /** the problem a perf JSON config timed */
  fromConfig(config: PerfConfig): P;
  /** the program a worker compiles: forward only, or with the gradients (forward+backward) */
  program(problem: P, gradients: boolean): LossProgram;
  /** the synthetic inputs of one batch size (deterministic) */
  feeds(problem: P, batch: number): Feeds;
  /** default boxes or anchors per image */
  boxCount(problem: P): number;
  /** e.g. "RetinaNet loss (l1 box loss), 512² image (49104 anchors), 80 classes" */
  title(problem: P, boxes: number): string;
  /** the PyTorch original timed beside it; null where none is written yet */
  readonly original: OriginalTimer | null;
}
