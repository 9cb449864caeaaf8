import type { LossProgram } from '../backend/contract.js';

/**
 * A loss as a training step uses it: a loss program (its graph without its own gradient outputs, and its
 * input checks) and the outputs whose sum is minimised.
 */
export interface TrainingLoss {
  readonly program: LossProgram;
  /** float32 scalar outputs of the program; the step differentiates their sum */
  readonly terms: readonly string[];
}
