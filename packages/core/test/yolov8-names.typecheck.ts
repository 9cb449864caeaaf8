// Compile-time checks (pnpm typecheck): a compiled YOLOv8 loss is typed by its input and output names.
import { compileReference, type HostTensor, type Yolov8LossOptions, yolov8LossProgram } from '../src/index.js';

declare const t: HostTensor;
const feeds = { pred_distri: t, pred_scores: t, anchor_points: t, stride_tensor: t, targets: t, num_objs: t };

export async function typed() {
  const a = compileReference(yolov8LossProgram());
  const o = await a.run(feeds);
  void [o.loss_box, o.loss_cls, o.loss_dfl, o.grad_pred_distri, o.grad_pred_scores];
  // @ts-expect-error not an output (or input) of this program
  o.fg_mask;
  // @ts-expect-error the YOLOv8 loss has no normalizer output
  o.normalizer;
  const b = compileReference(yolov8LossProgram({ gradients: false, outputs: ['target_gt_idx'] }));
  const p = await b.run(feeds);
  p.target_gt_idx;
  // @ts-expect-error not an output (or input) of this program
  p.grad_pred_scores;
  // @ts-expect-error a misspelt input
  await b.run({ pred_dist: t, pred_scores: t, anchor_points: t, stride_tensor: t, targets: t, num_objs: t });
}

/** Options known only by their wide type give every name they could. */
export async function wide(options: Yolov8LossOptions) {
  const out = await compileReference(yolov8LossProgram(options)).run(feeds);
  void [out.grad_pred_distri, out.fg_mask, out.target_gt_idx];
}
