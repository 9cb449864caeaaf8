import type { GraphBuilder, Tensor } from '../../builder.js';

/**
 * The RetinaNet loss diagnostics (`diagnostics: true`), each per anchor, [B, A], from the same run as the
 * losses and without gradient (docs/FIXTURES.md, "Diagnostics"):
 * - `matched_idxs` int32: torchvision's Matcher result, the `targets` row of a foreground anchor, -1 below
 *   `bgIouThresh`, -2 in [bg, fg) (ignored);
 * - `anchor_focal_loss` float32: the sigmoid focal loss summed over the C classes, 0 at ignored anchors, not
 *   yet divided by the image's foreground count;
 * - `anchor_box_loss` float32: the box loss (`boxLoss`) of a foreground anchor, 0 elsewhere, not divided.
 */
export const RETINANET_DIAGNOSTICS = ['matched_idxs', 'anchor_focal_loss', 'anchor_box_loss'] as const;
export type RetinanetDiagnostic = (typeof RETINANET_DIAGNOSTICS)[number];

/** The loss graph's intermediate tensors the diagnostics read. */
export interface RetinanetDiagnosticParts {
  /** int32 [B,A] */
  readonly matched: Tensor;
  /** bool [B,A]: foreground, and every anchor but the ignored ones */
  readonly foreground: Tensor;
  readonly counted: Tensor;
  /** float32 [B,A]: focal loss summed over classes, and box loss, both before masking */
  readonly focal: Tensor;
  readonly box: Tensor;
}

/** Adds the RETINANET_DIAGNOSTICS outputs to `b`, less those in `present` (already requested through `outputs`). */
export function emitRetinanetDiagnostics(
  b: GraphBuilder,
  p: RetinanetDiagnosticParts,
  present: readonly string[],
): void {
  if (!present.includes('matched_idxs')) b.output('matched_idxs', p.matched);
  b.output('anchor_focal_loss', b.where(p.counted, p.focal, 0).stopGradient());
  b.output('anchor_box_loss', b.where(p.foreground, p.box, 0).stopGradient());
}
