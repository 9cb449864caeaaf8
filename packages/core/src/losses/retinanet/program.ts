import type { LossProgram } from '../../backend/contract.js';
import type { NoOptions, ProgramOutputs } from '../program-names.js';
import type { RetinanetDiagnostic } from './diagnostics.js';
import { type RETINANET_INPUTS, retinanetLoss } from './loss.js';
import type { RetinanetExtraOutput, RetinanetLossOptions } from './options.js';
import { checkRetinanetInputs, validateRetinanetInputs } from './validate.js';

/** The RetinaNet program's input names. */
export type RetinanetInput = keyof typeof RETINANET_INPUTS;
/** Its output names for options `Opts` (see ProgramOutputs). */
export type RetinanetOutput<Opts extends RetinanetLossOptions = RetinanetLossOptions> = ProgramOutputs<
  Opts,
  'loss_cls' | 'loss_box',
  'grad_cls_logits' | 'grad_bbox_regression',
  RetinanetExtraOutput,
  RetinanetDiagnostic
>;

/** torchvision's RetinaNet loss as backends compile it: the graph, its structural checks and its input validation. */
export function retinanetLossProgram<const Opts extends RetinanetLossOptions = NoOptions>(
  options?: Opts,
): LossProgram<RetinanetInput, RetinanetOutput<Opts>> {
  return {
    graph: retinanetLoss(options ?? {}),
    checkInputs: checkRetinanetInputs,
    validateInputs: validateRetinanetInputs,
  };
}
