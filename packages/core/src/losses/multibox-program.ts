import type { LossProgram } from '../backend/contract.js';
import { multiboxLoss } from './multibox.js';
import { type MultiboxLossOptions } from './multibox-options.js';
import { validateMultiboxInputs } from './multibox-validate.js';

/**
 * The MultiBoxLoss as backends compile it: the graph (exact in one program: its hard-negative mining
 * takes a TopK of the largest count any image needs) and its input validation.
 */
export function multiboxLossProgram(options: MultiboxLossOptions = {}): LossProgram {
  return { graph: multiboxLoss(options), validateInputs: validateMultiboxInputs };
}
