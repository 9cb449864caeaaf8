import type { LossProgram } from '../backend/contract.js';
import type { MultiboxLossOptions } from '../losses/multibox/options.js';
import { multiboxLossProgram } from '../losses/multibox/program.js';

/**
 * A loss as a training step uses it: a loss program (its graph without its own gradient outputs, and its
 * input checks) and the outputs whose sum is minimised.
 */
export interface TrainingLoss {
  readonly program: LossProgram;
  /** float32 scalar outputs of the program; the step differentiates their sum */
  readonly terms: readonly string[];
}

/** The MultiBoxLoss for a training step: terms `loss_l` and `loss_c`. */
export function multiboxTrainingLoss(options: Omit<MultiboxLossOptions, 'gradients' | 'outputs'> = {}): TrainingLoss {
  return { program: multiboxLossProgram({ ...options, gradients: false }), terms: ['loss_l', 'loss_c'] };
}
