/**
 * What `bench perf` times: each registered loss's synthetic problem (problems/index.ts), beside its PyTorch
 * original where one is written (tools/reference/time_original.py, time_retinanet.py). A worker builds the
 * program and the inputs from a problem; the PyTorch timer receives the same fields.
 */
import { type Feeds, LOSS_NAMES, type LossName, type LossProgram } from '@lossgraph/core';
import type { OriginalTimer } from '../problems/entry.js';
import { type PerfProblem, perfEntry } from '../problems/index.js';

export type { PerfProblem } from '../problems/index.js';

export const PERF_LOSSES: readonly LossName[] = LOSS_NAMES;
export type PerfLoss = LossName;

/** The default batch sizes and problem of each loss. */
export const PROBLEM_DEFAULTS = Object.fromEntries(LOSS_NAMES.map((n) => [n, perfEntry(n).defaults])) as Readonly<
  Record<PerfLoss, { readonly batches: readonly number[]; readonly problem: PerfProblem }>
>;

/** The program a worker compiles: forward only, or with the gradients (forward+backward). */
export function perfProgram(problem: PerfProblem, gradients: boolean): LossProgram {
  return perfEntry(problem.loss).program(problem, gradients);
}

/** The synthetic inputs of one batch size (deterministic; checked once with the program's validation). */
export function perfFeeds(problem: PerfProblem, batch: number): Feeds {
  const feeds = perfEntry(problem.loss).feeds(problem, batch);
  perfProgram(problem, false).validateInputs?.(feeds);
  return feeds;
}

/** Default boxes or anchors per image. */
export function boxCount(problem: PerfProblem): number {
  return perfEntry(problem.loss).boxCount(problem);
}

/** e.g. "MultiBoxLoss, SSD300 (8732 default boxes), 21 classes" or "RetinaNet loss (l1 box loss), 512² image (49104 anchors), 80 classes". */
export function problemTitle(problem: PerfProblem, boxes: number = boxCount(problem)): string {
  return perfEntry(problem.loss).title(problem, boxes);
}

/** The script that times the original of a loss (PyTorch side); null where none is written. */
export function originalTimer(loss: PerfLoss): OriginalTimer | null {
  return perfEntry(loss).original;
}
