import type { LossProgram } from '../backend/contract.js';
import { retinanetLoss } from './retinanet.js';
import type { RetinanetLossOptions } from './retinanet-options.js';
import { checkRetinanetInputs, validateRetinanetInputs } from './retinanet-validate.js';

/** torchvision's RetinaNet loss as backends compile it: the graph, its structural checks and its input validation. */
export function retinanetLossProgram(options: RetinanetLossOptions = {}): LossProgram {
  return { graph: retinanetLoss(options), checkInputs: checkRetinanetInputs, validateInputs: validateRetinanetInputs };
}
