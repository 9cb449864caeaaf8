/**
 * What `bench perf` times: each registered loss's synthetic problem (the `perf` part of its entry in core's
 * LOSS_REGISTRY), beside its PyTorch counterpart where the entry names one. A worker builds the program and
 * the inputs from a problem; the PyTorch timer receives the same fields.
 */
import {
  type Feeds,
  LOSS_NAMES,
  type LossName,
  type LossProgram,
  type PerfOriginal,
  type PerfProblem,
  perfProblem,
} from '@lossgraph/core';

export type { PerfProblem } from '@lossgraph/core';

export const PERF_LOSSES: readonly LossName[] = LOSS_NAMES;
export type PerfLoss = LossName;
/** the loss `bench perf` times without --loss, and that perf JSON files without `loss` timed */
export const DEFAULT_PERF_LOSS: PerfLoss = 'multibox';

/** The default batch sizes and problem of each loss. */
export const PROBLEM_DEFAULTS = Object.fromEntries(LOSS_NAMES.map((n) => [n, perfProblem(n).defaults])) as Readonly<
  Record<PerfLoss, { readonly batches: readonly number[]; readonly problem: PerfProblem }>
>;

/** The program a worker compiles: forward only, or with the gradients (forward+backward). */
export function perfProgram(problem: PerfProblem, gradients: boolean): LossProgram {
  return perfProblem(problem.loss).program(problem, gradients);
}

/** The synthetic inputs of one batch size (deterministic; checked once with the program's validation). */
export function perfFeeds(problem: PerfProblem, batch: number): Feeds {
  const feeds = perfProblem(problem.loss).feeds(problem, batch);
  perfProgram(problem, false).validateInputs?.(feeds);
  return feeds;
}

/** Default boxes or anchors per image. */
export function boxCount(problem: PerfProblem): number {
  return perfProblem(problem.loss).boxCount(problem);
}

/** One line naming the loss and its shape (the registry entry's title), with the boxes per image. */
export function problemTitle(problem: PerfProblem, boxes: number = boxCount(problem)): string {
  return perfProblem(problem.loss).title(problem, boxes);
}

/** The script that times the PyTorch counterpart of a loss; null where none is written. */
export function originalTimer(loss: PerfLoss): PerfOriginal | null {
  return perfProblem(loss).original;
}
