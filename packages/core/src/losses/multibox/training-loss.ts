import type { TrainingLoss } from '../../training/training-loss.js';
import type { MultiboxLossOptions } from './options.js';
import { multiboxLossProgram } from './program.js';

/** The MultiBoxLoss for a training step: terms `loss_l` and `loss_c`. */
export function multiboxTrainingLoss(options: Omit<MultiboxLossOptions, 'gradients' | 'outputs'> = {}): TrainingLoss {
  return { program: multiboxLossProgram({ ...options, gradients: false }), terms: ['loss_l', 'loss_c'] };
}
