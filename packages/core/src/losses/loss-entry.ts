import type { LossProgram } from '../backend/contract.js';
import type { CliDescription } from './cli-flags.js';
import type { FixtureDescription } from './fixture-spec.js';
import type { PerfProblemDescription } from './perf-problem.js';

/**
 * One loss as the registry lists it (docs/DESIGN.md, "Losses: one registry"): everything the fixture reader,
 * `lossgraph export` and the bench need to know about it. `O` is its options type, `F` its fixture options, `P`
 * its timing problem's fields.
 */
export interface LossEntry<
  O extends object = object,
  F extends object = O,
  P extends { readonly loss: string; readonly classes: number } = { readonly loss: string; readonly classes: number },
> {
  /** the name fixtures (`loss` metadata), `lossgraph export --loss` and `bench --loss` use */
  readonly name: string;
  /** a short human title, for summaries */
  readonly title: string;
  /** the program factory: graph, structural checks and input validation */
  readonly program: (options: O) => LossProgram;
  /** the option rules: defaults filled in, bad options rejected (LossGraphError 'INVALID_OPTION') */
  readonly resolveOptions: (options: O) => object;
  /** how its fixtures are read and checked */
  readonly fixture: FixtureDescription<F>;
  /** its `lossgraph export` flags */
  readonly cli: CliDescription;
  /** its synthetic timing problem for `bench perf`, with the PyTorch counterpart timed beside it */
  readonly perf: PerfProblemDescription<P>;
}
