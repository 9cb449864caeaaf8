import type { TrainingLoss } from '../../training/training-loss.js';
import type { RetinanetLossOptions } from './options.js';
import { retinanetLossProgram } from './program.js';

/** torchvision's RetinaNet loss for a training step: terms `loss_cls` and `loss_box`. */
export function retinanetTrainingLoss(options: Omit<RetinanetLossOptions, 'gradients' | 'outputs'> = {}): TrainingLoss {
  return { program: retinanetLossProgram({ ...options, gradients: false }), terms: ['loss_cls', 'loss_box'] };
}
