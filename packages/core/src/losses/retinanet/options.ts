import { fail } from '../../errors.js';
import { requireFloat32 } from '../../options/float32.js';
import { rejectUnknownKeys } from '../../options/unknown-keys.js';
import { LOSS_NORMALIZATIONS, type LossNormalization } from '../normalization.js';

export const RETINANET_BOX_LOSSES = ['l1', 'smooth_l1', 'giou', 'diou', 'ciou'] as const;
export type RetinanetBoxLoss = (typeof RETINANET_BOX_LOSSES)[number];

export const RETINANET_EXTRA_OUTPUTS = ['matched_idxs', 'num_foreground'] as const;
export type RetinanetExtraOutput = (typeof RETINANET_EXTRA_OUTPUTS)[number];

export interface RetinanetLossOptions {
  /** IoU at or above which an anchor is foreground (torchvision's fg_iou_thresh). Default 0.5. */
  readonly fgIouThresh?: number;
  /** IoU below which an anchor is background; anchors in [bg, fg) are ignored. Default 0.4. */
  readonly bgIouThresh?: number;
  /** the Matcher's allow_low_quality_matches: each truth's best anchors (ties included) match too. Default true. */
  readonly allowLowQualityMatches?: boolean;
  /** focal-loss class weight alpha in [0, 1], or -1 for none (torchvision's convention). Default 0.25. */
  readonly focalAlpha?: number;
  /** focal-loss exponent gamma >= 0. Default 2. */
  readonly focalGamma?: number;
  /** box regression loss over foreground anchors. Default 'l1' (torchvision's default). */
  readonly boxLoss?: RetinanetBoxLoss;
  /**
   * 'batch' (default): each image's losses divided by max(1, its foreground anchors), then the mean over
   * images, as torchvision. 'none': the same per-image terms summed over images, not divided by the
   * number of images, which is output as `normalizer`; for data-parallel training, all-reduce both
   * loss terms and `normalizer` and divide once (see the README).
   */
  readonly normalize?: LossNormalization;
  /** append `grad_cls_logits` and `grad_bbox_regression`, d(loss_cls + loss_box)/d inputs. Default true. */
  readonly gradients?: boolean;
  /** diagnostic outputs besides the losses: `matched_idxs` int32 [B,A], `num_foreground` int32 [B]. Default none. */
  readonly outputs?: readonly RetinanetExtraOutput[];
  /** add the per-anchor diagnostics RETINANET_DIAGNOSTICS ([B, A] each, diagnostics.ts), without gradient. Default false. */
  readonly diagnostics?: boolean;
}

export type ResolvedRetinanetOptions = Required<RetinanetLossOptions>;

const KNOWN = [
  'fgIouThresh',
  'bgIouThresh',
  'allowLowQualityMatches',
  'focalAlpha',
  'focalGamma',
  'boxLoss',
  'normalize',
  'gradients',
  'outputs',
  'diagnostics',
];

/** Fills in defaults and rejects unknown or out-of-range options (LossGraphError 'INVALID_OPTION' naming the option). */
export function resolveRetinanetOptions(options: RetinanetLossOptions = {}): ResolvedRetinanetOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail('INVALID_OPTION', `RetinaNet loss options must be an object, got ${JSON.stringify(options)}`);
  }
  rejectUnknownKeys('RetinaNet loss', options, KNOWN);
  const o: ResolvedRetinanetOptions = {
    fgIouThresh: options.fgIouThresh ?? 0.5,
    bgIouThresh: options.bgIouThresh ?? 0.4,
    allowLowQualityMatches: options.allowLowQualityMatches ?? true,
    focalAlpha: options.focalAlpha ?? 0.25,
    focalGamma: options.focalGamma ?? 2,
    boxLoss: options.boxLoss ?? 'l1',
    normalize: options.normalize ?? 'batch',
    gradients: options.gradients ?? true,
    outputs: options.outputs ?? [],
    diagnostics: options.diagnostics ?? false,
  };
  const bad = (name: string, want: string, got: unknown): never =>
    fail('INVALID_OPTION', `RetinaNet loss option '${name}' must be ${want}, got ${JSON.stringify(got)}`, {
      option: name,
    });
  const num = (name: keyof ResolvedRetinanetOptions, ok: (x: number) => boolean, want: string) => {
    const x = o[name];
    if (typeof x !== 'number' || !ok(x)) bad(name, want, x);
    requireFloat32('RetinaNet loss', name, x as number);
  };
  num('fgIouThresh', (x) => x >= 0 && x <= 1, 'a number in [0, 1]');
  num('bgIouThresh', (x) => x >= 0 && x <= 1, 'a number in [0, 1]');
  if (o.bgIouThresh > o.fgIouThresh) bad('bgIouThresh', `at most fgIouThresh (${o.fgIouThresh})`, o.bgIouThresh);
  num('focalAlpha', (x) => (x >= 0 && x <= 1) || x === -1, 'a number in [0, 1], or -1 for no class weighting');
  num('focalGamma', (x) => x >= 0 && Number.isFinite(x), 'a finite number >= 0');
  if (typeof o.allowLowQualityMatches !== 'boolean')
    bad('allowLowQualityMatches', 'a boolean', o.allowLowQualityMatches);
  if (!RETINANET_BOX_LOSSES.includes(o.boxLoss)) bad('boxLoss', `one of ${RETINANET_BOX_LOSSES.join(', ')}`, o.boxLoss);
  if (!LOSS_NORMALIZATIONS.includes(o.normalize))
    bad('normalize', `one of ${LOSS_NORMALIZATIONS.join(', ')}`, o.normalize);
  if (typeof o.gradients !== 'boolean') bad('gradients', 'a boolean', o.gradients);
  if (typeof o.diagnostics !== 'boolean') bad('diagnostics', 'a boolean', o.diagnostics);
  if (!Array.isArray(o.outputs) || o.outputs.some((n) => !RETINANET_EXTRA_OUTPUTS.includes(n))) {
    bad('outputs', `a list drawn from ${RETINANET_EXTRA_OUTPUTS.join(', ')}`, o.outputs);
  }
  return o;
}
