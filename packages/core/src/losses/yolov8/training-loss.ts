import type { TrainingLoss } from '../../training/training-loss.js';
import type { Yolov8LossOptions } from './options.js';
import { yolov8LossProgram } from './program.js';

/** Ultralytics' YOLOv8 loss for a training step: terms `loss_box`, `loss_cls` and `loss_dfl`, in the program's order. */
export function yolov8TrainingLoss(options: Omit<Yolov8LossOptions, 'gradients' | 'outputs'> = {}): TrainingLoss {
  return { program: yolov8LossProgram({ ...options, gradients: false }), terms: ['loss_box', 'loss_cls', 'loss_dfl'] };
}
