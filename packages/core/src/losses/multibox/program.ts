import type { LossProgram } from '../../backend/contract.js';
import type { NoOptions, ProgramOutputs } from '../program-names.js';
import type { MultiboxDiagnostic } from './diagnostics.js';
import { type MULTIBOX_INPUTS, multiboxLoss } from './loss.js';
import type { MultiboxExtraOutput, MultiboxLossOptions } from './options.js';
import { checkMultiboxInputs, validateMultiboxInputs } from './validate.js';

/** The MultiBoxLoss program's input names. */
export type MultiboxInput = keyof typeof MULTIBOX_INPUTS;
/** Its output names for options `Opts` (see ProgramOutputs). */
export type MultiboxOutput<Opts extends MultiboxLossOptions = MultiboxLossOptions> = ProgramOutputs<
  Opts,
  'loss_l' | 'loss_c',
  'grad_loc' | 'grad_conf',
  MultiboxExtraOutput,
  MultiboxDiagnostic
>;

/**
 * The MultiBoxLoss as backends compile it: the graph (exact in one program: its hard-negative mining
 * takes a TopK of the largest count any image needs), its structural checks (`checkInputs`, always run)
 * and its value checks (`validateInputs`). Typed by its input and output names, so a compiled loss is too.
 */
export function multiboxLossProgram<const Opts extends MultiboxLossOptions = NoOptions>(
  options?: Opts,
): LossProgram<MultiboxInput, MultiboxOutput<Opts>> {
  return {
    graph: multiboxLoss(options ?? {}),
    checkInputs: checkMultiboxInputs,
    validateInputs: validateMultiboxInputs,
  };
}
