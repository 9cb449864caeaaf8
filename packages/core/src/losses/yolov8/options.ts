import { fail } from '../../errors.js';
import { requireFloat32 } from '../../options/float32.js';
import { rejectUnknownKeys } from '../../options/unknown-keys.js';

export const YOLOV8_EXTRA_OUTPUTS = ['fg_mask', 'target_gt_idx'] as const;
export type Yolov8ExtraOutput = (typeof YOLOV8_EXTRA_OUTPUTS)[number];

/** Options of Ultralytics' v8DetectionLoss (8.3 form); the defaults are Ultralytics' own. */
export interface Yolov8LossOptions {
  /** bins of each side's distance distribution (DFL), an integer >= 2; pred_distri has 4 · regMax channels. Default 16. */
  readonly regMax?: number;
  /** candidates each truth takes in the task-aligned assigner, an integer >= 1. Default 10. */
  readonly topk?: number;
  /** exponent of the class score in the alignment metric score^alpha · IoU^beta. Default 0.5. */
  readonly alpha?: number;
  /** exponent of the CIoU in the alignment metric. Default 6. */
  readonly beta?: number;
  /** gain of the CIoU box term (Ultralytics' `box`). Default 7.5. */
  readonly boxGain?: number;
  /** gain of the BCE class term (`cls`). Default 0.5. */
  readonly clsGain?: number;
  /** gain of the distribution focal loss (`dfl`). Default 1.5. */
  readonly dflGain?: number;
  /** append `grad_pred_distri` and `grad_pred_scores`, d(loss_box + loss_cls + loss_dfl)/d inputs. Default true. */
  readonly gradients?: boolean;
  /** diagnostic outputs: `fg_mask` int32 [B,A] (1 on positives), `target_gt_idx` int32 [B,A]. Default none. */
  readonly outputs?: readonly Yolov8ExtraOutput[];
  /** add the assignment diagnostics YOLOV8_DIAGNOSTICS (diagnostics.ts), without gradient. Default false. */
  readonly diagnostics?: boolean;
}

export type ResolvedYolov8Options = Required<Yolov8LossOptions>;

const KNOWN = [
  'regMax',
  'topk',
  'alpha',
  'beta',
  'boxGain',
  'clsGain',
  'dflGain',
  'gradients',
  'outputs',
  'diagnostics',
];

/** Fills in defaults and rejects unknown or out-of-range options (LossGraphError 'INVALID_OPTION' naming the option). */
export function resolveYolov8Options(options: Yolov8LossOptions = {}): ResolvedYolov8Options {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail('INVALID_OPTION', `YOLOv8 loss options must be an object, got ${JSON.stringify(options)}`);
  }
  rejectUnknownKeys('YOLOv8 loss', options, KNOWN);
  const o: ResolvedYolov8Options = {
    regMax: options.regMax ?? 16,
    topk: options.topk ?? 10,
    alpha: options.alpha ?? 0.5,
    beta: options.beta ?? 6,
    boxGain: options.boxGain ?? 7.5,
    clsGain: options.clsGain ?? 0.5,
    dflGain: options.dflGain ?? 1.5,
    gradients: options.gradients ?? true,
    outputs: options.outputs ?? [],
    diagnostics: options.diagnostics ?? false,
  };
  const bad = (name: string, want: string, got: unknown): never =>
    fail('INVALID_OPTION', `YOLOv8 loss option '${name}' must be ${want}, got ${JSON.stringify(got)}`, {
      option: name,
    });
  const num = (name: keyof ResolvedYolov8Options, ok: (x: number) => boolean, want: string) => {
    const x = o[name];
    if (typeof x !== 'number' || !ok(x)) bad(name, want, x);
    requireFloat32('YOLOv8 loss', name, x as number);
  };
  // reg_max 1 is the L1 branch of later Ultralytics versions, not this loss; 1000 bounds the channel count
  num('regMax', (x) => Number.isInteger(x) && x >= 2 && x <= 1000, 'an integer in [2, 1000]');
  num('topk', (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1');
  num('alpha', (x) => x >= 0 && Number.isFinite(x), 'a finite number >= 0');
  num('beta', (x) => x >= 0 && Number.isFinite(x), 'a finite number >= 0');
  for (const gain of ['boxGain', 'clsGain', 'dflGain'] as const) num(gain, (x) => x >= 0, 'a finite number >= 0');
  if (typeof o.gradients !== 'boolean') bad('gradients', 'a boolean', o.gradients);
  if (typeof o.diagnostics !== 'boolean') bad('diagnostics', 'a boolean', o.diagnostics);
  if (!Array.isArray(o.outputs) || o.outputs.some((n) => !YOLOV8_EXTRA_OUTPUTS.includes(n))) {
    bad('outputs', `a list drawn from ${YOLOV8_EXTRA_OUTPUTS.join(', ')}`, o.outputs);
  }
  return o;
}
