// Compile-time checks (pnpm typecheck): `diagnostics: true` adds the documented diagnostic names to a compiled loss.
import {
  compileReference,
  type HostTensor,
  multiboxLossProgram,
  retinanetLossProgram,
  yolov8LossProgram,
} from '../src/index.js';

declare const t: HostTensor;
const multibox = { loc_data: t, conf_data: t, dbox_list: t, targets: t, num_objs: t };
const retinanet = { cls_logits: t, bbox_regression: t, anchors: t, targets: t, num_objs: t };
const yolov8 = { pred_distri: t, pred_scores: t, anchor_points: t, stride_tensor: t, targets: t, num_objs: t };

export async function named() {
  const m = await compileReference(multiboxLossProgram({ diagnostics: true })).run(multibox);
  void [m.matched_truth, m.forced_match, m.positive, m.mining_score, m.hard_negative, m.cross_entropy, m.smooth_l1];
  const r = await compileReference(retinanetLossProgram({ diagnostics: true })).run(retinanet);
  void [r.matched_idxs, r.anchor_focal_loss, r.anchor_box_loss];
  const y = await compileReference(yolov8LossProgram({ diagnostics: true })).run(yolov8);
  void [y.candidates, y.align_metric, y.fg_mask, y.target_gt_idx, y.target_scores];
  const off = await compileReference(multiboxLossProgram({ diagnostics: false })).run(multibox);
  // @ts-expect-error not an output without diagnostics
  off.mining_score;
  const plain = await compileReference(yolov8LossProgram()).run(yolov8);
  // @ts-expect-error not an output without diagnostics
  plain.align_metric;
}
