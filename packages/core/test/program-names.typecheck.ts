// Compile-time checks (pnpm typecheck): a compiled loss is typed by its program's input and output names.
import { compileReference, type HostTensor, type RetinanetLossOptions, retinanetLossProgram } from '../src/index.js';

declare const t: HostTensor;
export async function f() {
  const a = compileReference(retinanetLossProgram());
  const o = await a.run({ cls_logits: t, bbox_regression: t, anchors: t, targets: t, num_objs: t });
  o.loss_cls;
  o.grad_cls_logits;
  // @ts-expect-error not an output (or input) of this program
  o.matched_idxs;
  // @ts-expect-error not an output (or input) of this program
  o.normalizer;
  const b = compileReference(retinanetLossProgram({ gradients: false, outputs: ['matched_idxs'], normalize: 'none' }));
  const p = await b.run({ cls_logits: t, bbox_regression: t, anchors: t, targets: t, num_objs: t });
  p.matched_idxs;
  p.normalizer;
  // @ts-expect-error not an output (or input) of this program
  p.grad_cls_logits;
  // @ts-expect-error not an output (or input) of this program
  p.num_foreground;
  // @ts-expect-error not an output (or input) of this program
  await b.run({ cls_logit: t, bbox_regression: t, anchors: t, targets: t, num_objs: t });
}

/** Options known only by their wide type give every name they could. */
export async function wide(options: RetinanetLossOptions) {
  const loss = compileReference(retinanetLossProgram(options));
  const out = await loss.run({ cls_logits: t, bbox_regression: t, anchors: t, targets: t, num_objs: t });
  void [out.grad_cls_logits, out.matched_idxs, out.num_foreground, out.normalizer];
  // @ts-expect-error not an output of this program
  void out.loss_x;
}
