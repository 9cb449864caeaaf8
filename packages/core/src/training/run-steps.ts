import type { CompiledLoss, Feeds, HostTensor, Outputs } from '../backend/contract.js';
import { fail } from '../errors.js';
import type { TrainingStepProgram } from './step-program.js';

export interface TrainingRunOptions {
  /** optimizer steps to take */
  readonly steps: number;
  /** the learning rate of each step (default: the optimizer's lr at every step) */
  readonly lrs?: readonly number[];
  /** the parameters and state to start from (default: `program.initialState()`) */
  readonly state?: Readonly<Record<string, HostTensor>>;
}

export interface TrainingRun {
  /** the loss terms of each step's forward (before that step's update), by term */
  readonly losses: Readonly<Record<string, number>>[];
  /** the parameters and state after the last step, by input name */
  readonly state: Record<string, HostTensor>;
  /** every output of the first step (its `grad/<p>` when the program outputs gradients) */
  readonly first: Outputs;
}

/**
 * The host side of training on one batch: runs a compiled training step `steps` times, each step's
 * `<name>.next` outputs fed back as the next step's inputs, with the step scalars of step k (1-based)
 * from the program's optimizer.
 */
export async function runTrainingSteps(
  compiled: CompiledLoss,
  program: TrainingStepProgram,
  batch: Feeds,
  options: TrainingRunOptions,
): Promise<TrainingRun> {
  const { steps, lrs } = options;
  if (!(Number.isInteger(steps) && steps >= 1))
    fail('INVALID_OPTION', `training run: steps must be an integer >= 1, got ${steps}`, { option: 'steps' });
  if (lrs !== undefined && lrs.length < steps)
    fail('INVALID_OPTION', `training run: ${lrs.length} learning rates for ${steps} steps`, { option: 'lrs' });
  let state: Record<string, HostTensor> = { ...(options.state ?? program.initialState()) };
  const losses: Record<string, number>[] = [];
  let first: Outputs | undefined;
  for (let k = 0; k < steps; k++) {
    const scalars = program.optimizer.stepScalars(k + 1, lrs?.[k]);
    const out = await compiled.run({ ...batch, ...state, ...scalars });
    first ??= out;
    losses.push(Object.fromEntries(program.lossTerms.map((t) => [t, out[t]!.data[0]!])));
    state = program.nextState(out);
  }
  return { losses, state, first: first! };
}
