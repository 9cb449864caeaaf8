import { fail } from '../../errors.js';
import { requireFloat32 } from '../../options/float32.js';
import { rejectUnknownKeys } from '../../options/unknown-keys.js';
import { LOSS_NORMALIZATIONS, type LossNormalization } from '../normalization.js';
import { MULTIBOX_PROFILES, type MultiboxProfile } from './profile.js';

export const MULTIBOX_EXTRA_OUTPUTS = ['num_pos', 'conf_t_label', 'loc_t'] as const;
export type MultiboxExtraOutput = (typeof MULTIBOX_EXTRA_OUTPUTS)[number];

export interface MultiboxLossOptions {
  /** IoU below which a default box is background (strictly less). Default 0.5. */
  readonly jaccardThresh?: number;
  /** hard negatives per positive. Default 3. */
  readonly negPos?: number;
  /** box-encoding variances [center, size]. Default [0.1, 0.2]. */
  readonly variances?: readonly [number, number];
  /** append `grad_loc` and `grad_conf`, d(loss_l + loss_c)/d inputs. Default true. */
  readonly gradients?: boolean;
  /** diagnostic outputs to expose besides the losses. Default none. */
  readonly outputs?: readonly MultiboxExtraOutput[];
  /** add the per-box diagnostics MULTIBOX_DIAGNOSTICS ([B, P] each, diagnostics.ts), without gradient. Default false. */
  readonly diagnostics?: boolean;
  /**
   * Whose semantics: 'seed' (default, the original notebook's) or 'torchvision' (SSD.compute_loss: an
   * image short of negatives counts some positives twice; see multibox-profile.ts).
   */
  readonly profile?: MultiboxProfile;
  /**
   * 'batch' (default): both losses divided by N = max(1, positives in the batch). 'none': the undivided
   * sums, and N before the max as the output `normalizer` (float32), for data-parallel training: all-reduce
   * the sums and `normalizer` over the workers, then divide once by max(1, normalizer).
   */
  readonly normalize?: LossNormalization;
}

export type ResolvedMultiboxOptions = Required<MultiboxLossOptions>;

const KNOWN = ['jaccardThresh', 'negPos', 'variances', 'gradients', 'outputs', 'diagnostics', 'profile', 'normalize'];

/** Fills in defaults and rejects unknown or out-of-range options (LossGraphError 'INVALID_OPTION'). */
export function resolveMultiboxOptions(options: MultiboxLossOptions = {}): ResolvedMultiboxOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail('INVALID_OPTION', `MultiBoxLoss options must be an object, got ${JSON.stringify(options)}`);
  }
  rejectUnknownKeys('MultiBoxLoss', options, KNOWN);
  const o: ResolvedMultiboxOptions = {
    jaccardThresh: options.jaccardThresh ?? 0.5,
    negPos: options.negPos ?? 3,
    variances: options.variances ?? [0.1, 0.2],
    gradients: options.gradients ?? true,
    outputs: options.outputs ?? [],
    diagnostics: options.diagnostics ?? false,
    profile: options.profile ?? 'seed',
    normalize: options.normalize ?? 'batch',
  };
  const bad = (name: string, want: string, got: unknown) =>
    fail('INVALID_OPTION', `MultiBoxLoss option '${name}' must be ${want}, got ${JSON.stringify(got)}`, {
      option: name,
    });
  if (!(Number.isFinite(o.jaccardThresh) && o.jaccardThresh > 0 && o.jaccardThresh <= 1))
    bad('jaccardThresh', 'a number in (0, 1]', o.jaccardThresh);
  if (!(Number.isFinite(o.negPos) && o.negPos >= 0)) bad('negPos', 'a finite number >= 0', o.negPos);
  if (
    !(Array.isArray(o.variances) && o.variances.length === 2 && o.variances.every((v) => Number.isFinite(v) && v > 0))
  ) {
    bad('variances', 'two positive finite numbers', o.variances);
  }
  // validated for the precision they run in: a threshold or variance that float32 flushes to 0 gives wrong losses or NaN
  requireFloat32('MultiBoxLoss', 'jaccardThresh', o.jaccardThresh);
  requireFloat32('MultiBoxLoss', 'negPos', o.negPos);
  requireFloat32('MultiBoxLoss', 'variances', o.variances);
  if (typeof o.gradients !== 'boolean') bad('gradients', 'a boolean', o.gradients);
  if (typeof o.diagnostics !== 'boolean') bad('diagnostics', 'a boolean', o.diagnostics);
  if (!Array.isArray(o.outputs)) bad('outputs', `a list drawn from ${MULTIBOX_EXTRA_OUTPUTS.join(', ')}`, o.outputs);
  for (const name of o.outputs)
    if (!MULTIBOX_EXTRA_OUTPUTS.includes(name))
      bad('outputs', `a list drawn from ${MULTIBOX_EXTRA_OUTPUTS.join(', ')}`, o.outputs);
  if (!MULTIBOX_PROFILES.includes(o.profile)) bad('profile', `one of ${MULTIBOX_PROFILES.join(', ')}`, o.profile);
  if (!LOSS_NORMALIZATIONS.includes(o.normalize))
    bad('normalize', `one of ${LOSS_NORMALIZATIONS.join(', ')}`, o.normalize);
  return o;
}
