import type { Feeds, LossProgram } from '../backend/contract.js';
import { retinanetLoss } from './retinanet.js';
import type { RetinanetLossOptions } from './retinanet-options.js';
import { checkRetinanetInputs, validateRetinanetInputs } from './retinanet-validate.js';

/**
 * A LossProgram with the structural checks of its inputs (`checkInputs`, which the backend layer runs
 * even with `validate: false`) besides the value checks.
 */
export type CheckedLossProgram = LossProgram & { readonly checkInputs: (feeds: Feeds) => void };

/** torchvision's RetinaNet loss as backends compile it: the graph, its structural checks and its input validation. */
export function retinanetLossProgram(options: RetinanetLossOptions = {}): CheckedLossProgram {
  return { graph: retinanetLoss(options), checkInputs: checkRetinanetInputs, validateInputs: validateRetinanetInputs };
}
