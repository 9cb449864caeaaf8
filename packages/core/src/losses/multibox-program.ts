import type { Feeds, LossProgram } from '../backend/contract.js';
import { MINING_OVERFLOW, multiboxLoss } from './multibox.js';
import { resolveMultiboxOptions, type MultiboxLossOptions } from './multibox-options.js';
import { checkMultiboxInputs, validateMultiboxInputs } from './multibox-validate.js';

/** Partial-sort size of the fast path: covers up to 341 positives per image at negPos 3. */
export const DEFAULT_HARD_NEGATIVE_TOP_K = 1024;

/**
 * The MultiBoxLoss as backends compile it: the exact graph (a full sort for mining), its input
 * validation, and a fast path that mines with a partial sort of the `hardNegativeTopK` largest losses
 * (default 1024; null turns the fast path off). The fast path applies when P >= hardNegativeTopK and its
 * result stands unless an image needs more hard negatives than that; results are exact either way.
 */
export function multiboxLossProgram(options: MultiboxLossOptions = {}): LossProgram {
  resolveMultiboxOptions(options);
  const topK = options.hardNegativeTopK === undefined ? DEFAULT_HARD_NEGATIVE_TOP_K : options.hardNegativeTopK;
  const exact: LossProgram = { graph: multiboxLoss({ ...options, hardNegativeTopK: null }), checkInputs: checkMultiboxInputs, validateInputs: validateMultiboxInputs };
  if (topK === null) return exact;
  return {
    ...exact,
    fastPath: {
      program: { graph: multiboxLoss({ ...options, hardNegativeTopK: topK }), checkInputs: checkMultiboxInputs, validateInputs: validateMultiboxInputs },
      applies: (feeds: Feeds) => (feeds.dbox_list?.shape?.[0] ?? 0) >= topK,
      flags: [MINING_OVERFLOW],
      accept: (out) => out[MINING_OVERFLOW]?.data[0] === 0,
    },
  };
}
