import type { LossProgram } from '../backend/contract.js';
import { multiboxLoss } from './multibox.js';
import type { MultiboxLossOptions } from './multibox-options.js';
import { validateMultiboxInputs } from './multibox-validate.js';

/** The MultiBoxLoss graph together with its input validation: what backends compile. */
export function multiboxLossProgram(options: MultiboxLossOptions = {}): LossProgram {
  return { graph: multiboxLoss(options), validateInputs: validateMultiboxInputs };
}
