import type { GraphBuilder, Tensor } from '../../builder.js';

/**
 * The YOLOv8 loss diagnostics (`diagnostics: true`), from the same run as the losses and without gradient
 * (docs/FIXTURES.md, "Diagnostics"); M is the `targets` row count, padding rows included:
 * - `candidates` int32 [B,M,A]: 1 where the anchor is among truth m's `topk` largest alignment metrics and
 *   its centre lies inside the truth (before an anchor claimed by several truths is resolved);
 * - `align_metric` float32 [B,M,A]: sigmoid(class logit)^alpha · max(0, CIoU)^beta on in-box pairs, else 0;
 * - `fg_mask` int32 [B,A]: 1 on a positive anchor;
 * - `target_gt_idx` int32 [B,A]: the truth row a positive is assigned to, 0 elsewhere;
 * - `target_scores` float32 [B,A,C]: the soft target, score · one-hot(assigned class), 0 off the positives.
 */
export const YOLOV8_DIAGNOSTICS = ['candidates', 'align_metric', 'fg_mask', 'target_gt_idx', 'target_scores'] as const;
export type Yolov8Diagnostic = (typeof YOLOV8_DIAGNOSTICS)[number];

/** The loss graph's intermediate tensors the diagnostics read. */
export interface Yolov8DiagnosticParts {
  /** bool [B,M,A] */
  readonly candidate: Tensor;
  /** float32 [B,M,A] */
  readonly align: Tensor;
  /** bool [B,A] */
  readonly foreground: Tensor;
  /** int32 [B,A] */
  readonly truthIndex: Tensor;
  /** float32 [B,A,C] */
  readonly softTargets: Tensor;
}

/** Adds the YOLOV8_DIAGNOSTICS outputs to `b`, less those in `present` (already requested through `outputs`). */
export function emitYolov8Diagnostics(b: GraphBuilder, p: Yolov8DiagnosticParts, present: readonly string[]): void {
  b.output('candidates', p.candidate.cast('int32'));
  b.output('align_metric', p.align.stopGradient());
  if (!present.includes('fg_mask')) b.output('fg_mask', p.foreground.cast('int32'));
  if (!present.includes('target_gt_idx')) b.output('target_gt_idx', p.truthIndex);
  b.output('target_scores', p.softTargets.stopGradient());
}
