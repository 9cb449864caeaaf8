/**
 * What `bench perf` times: each registered loss's synthetic problem (the `perf` part of its entry in core's
 * LOSS_REGISTRY), beside its PyTorch counterpart where the entry names one. A worker builds the program and
 * the inputs from a problem; the PyTorch timer receives the same fields.
 */
import {
  DEFAULT_LOSS,
  type Feeds,
  LOSS_NAMES,
  LossGraphError,
  type LossName,
  type LossProgram,
  type PerfOriginal,
  type PerfProblem,
  perfProblem,
} from '@lossgraph/core';
import { UsageError } from '../args.js';

export type { PerfProblem } from '@lossgraph/core';

export const PERF_LOSSES: readonly LossName[] = LOSS_NAMES;
export type PerfLoss = LossName;
/** the loss `bench perf` times without --loss, and that perf JSON files without `loss` timed */
export const DEFAULT_PERF_LOSS: PerfLoss = DEFAULT_LOSS;

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

/** Every registered loss's own timing-problem flags (its registry entry's `perf.flags`), besides --classes. */
export const LOSS_FLAGS: readonly string[] = [
  ...new Set(PERF_LOSSES.flatMap((l) => perfProblem(l).flags.map((f) => f.flag))),
];

const flagsOf = (loss: PerfLoss) => perfProblem(loss).flags.map((f) => f.flag);

/**
 * The loss (any registered one, --loss, default DEFAULT_PERF_LOSS) and its problem from the flags of its
 * timing problem; UsageError for an unknown loss, another loss's flag or a bad value.
 */
export function parsePerfProblem(f: Readonly<Record<string, string | undefined>>): PerfProblem {
  const loss = (f.loss ?? DEFAULT_PERF_LOSS) as PerfLoss;
  if (!PERF_LOSSES.includes(loss))
    throw new UsageError(`--loss must be one of ${PERF_LOSSES.join(', ')}, got '${f.loss}'`);
  const own = new Set(flagsOf(loss));
  for (const flag of LOSS_FLAGS)
    if (f[flag] !== undefined && !own.has(flag))
      throw new UsageError(
        `--${flag} applies to --loss ${PERF_LOSSES.filter((l) => flagsOf(l).includes(flag)).join(', ')} only`,
      );
  try {
    return perfProblem(loss).parse(f);
  } catch (err) {
    if (err instanceof LossGraphError && err.code === 'INVALID_OPTION') throw new UsageError(err.message);
    throw err;
  }
}
