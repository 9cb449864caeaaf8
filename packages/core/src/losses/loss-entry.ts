import type { Feeds, HostTensor, LossProgram } from '../backend/contract.js';
import type { MetadataReader } from '../io/fixture-metadata.js';
import type { TrainingLoss } from '../training/training-loss.js';
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
  /** how a training step ends in it (training-step fixtures, `lossgraph export --model`); absent where none is wired */
  readonly training?: TrainingDescription<O, F>;
}

/** The part of a registry entry a training step uses (docs/FIXTURES.md, "Training steps"). */
export interface TrainingDescription<O extends object, F extends object> {
  /** the loss for a training step (its program without gradient outputs, and the terms whose sum is minimised) */
  readonly loss: (options: Omit<O, 'gradients' | 'outputs'>) => TrainingLoss;
  /** the loss terms, in the order the loss outputs them */
  readonly terms: readonly string[];
  /**
   * the loss inputs a training step's batch feeds besides `targets` and `num_objs`: the default boxes or anchors
   * (and strides), each shaped as in the loss's fixture table; a training-step fixture holds tensors of these names
   */
  readonly priorsInputs: readonly string[];
  /** the loss options a training-step fixture's metadata states */
  readonly fixtureOptions: (m: MetadataReader) => F;
  /**
   * How the tiny detector of packages/core/src/testing/tiny-detector.ts trains on this loss in the conformance
   * suite's check against the reference interpreter (packages/core/src/conformance/training-steps.ts); absent
   * where the loss's training step is checked otherwise (the default loss: against torch.optim).
   */
  readonly tinyDetector?: TinyDetectorWiring<O>;
}

/** The tiny detector's two heads and default boxes, wired to a loss's inputs. */
export interface TinyDetectorWiring<O extends object> {
  /** the loss options of the check */
  readonly options: Omit<O, 'gradients' | 'outputs'>;
  /** the loss input the box head (4 values per default box) feeds */
  readonly boxHead: string;
  /** the loss input the class head feeds */
  readonly classHead: string;
  /** the loss's prior inputs made from the default boxes ([P, 4] centre form, normalised) */
  readonly priors: (defaultBoxes: HostTensor) => Feeds;
}
