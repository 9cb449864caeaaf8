import type { LossProgram } from '../../backend/contract.js';
import type { NoOptions, ProgramOutputs } from '../program-names.js';
import type { Yolov8Diagnostic } from './diagnostics.js';
import { type YOLOV8_INPUTS, yolov8Loss } from './loss.js';
import { resolveYolov8Options, type Yolov8ExtraOutput, type Yolov8LossOptions } from './options.js';
import { validateYolov8Inputs, yolov8InputChecks } from './validate.js';

/** The YOLOv8 program's input names. */
export type Yolov8Input = keyof typeof YOLOV8_INPUTS;
/** Its output names for options `Opts` (see ProgramOutputs). */
export type Yolov8Output<Opts extends Yolov8LossOptions = Yolov8LossOptions> = ProgramOutputs<
  Opts,
  'loss_box' | 'loss_cls' | 'loss_dfl',
  'grad_pred_distri' | 'grad_pred_scores',
  Yolov8ExtraOutput,
  Yolov8Diagnostic
>;

/**
 * Ultralytics' YOLOv8 / YOLO11 detection loss (v8DetectionLoss, 8.3 form) as backends compile it: the
 * graph, its structural checks and its input validation.
 */
export function yolov8LossProgram<const Opts extends Yolov8LossOptions = NoOptions>(
  options?: Opts,
): LossProgram<Yolov8Input, Yolov8Output<Opts>> {
  const resolved = resolveYolov8Options(options ?? {});
  return {
    graph: yolov8Loss(resolved),
    checkInputs: yolov8InputChecks(resolved.topk),
    validateInputs: validateYolov8Inputs,
  };
}
