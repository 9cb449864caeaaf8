import {
  BETWEEN_THRESHOLDS,
  type HostTensor,
  RETINANET_DIAGNOSTICS,
  type RetinanetInput,
  retinanetLossProgram,
} from '@lossgraph/core';
import type { Role } from './draw.js';
import type { ExplainFeeds } from './explanation.js';
import { NUM_PRIORS, pointForm } from './layout.js';

/** The RetinaNet matcher's options the page's sliders set. */
export interface RetinaOptions {
  readonly fgIouThresh: number;
  readonly bgIouThresh: number;
  readonly allowLowQualityMatches: boolean;
}

/** RetinaNet's loss on the same boxes as anchors: losses, num_foreground and the per-anchor diagnostics. */
export function retinaProgram(o: RetinaOptions) {
  return retinanetLossProgram({ gradients: false, ...o, outputs: ['num_foreground'], diagnostics: true });
}

/**
 * RetinaNet's feeds from the MultiBoxLoss's: the default boxes in point form as anchors, the same box
 * offsets, and the class logits without their background column (RetinaNet's sigmoid classes are the
 * three shapes).
 */
export function retinaFeeds(feeds: ExplainFeeds): Record<RetinanetInput, HostTensor> {
  const classes = feeds.conf_data.shape[2] ?? 1;
  const logits = new Float32Array(NUM_PRIORS * (classes - 1));
  for (let p = 0; p < NUM_PRIORS; p++)
    for (let c = 1; c < classes; c++) logits[p * (classes - 1) + c - 1] = Number(feeds.conf_data.data[p * classes + c]);
  return {
    cls_logits: { dtype: 'float32', shape: [1, NUM_PRIORS, classes - 1], data: logits },
    bbox_regression: feeds.loc_data,
    anchors: {
      dtype: 'float32',
      shape: [NUM_PRIORS, 4],
      data: Float32Array.from({ length: NUM_PRIORS * 4 }, (_, k) => pointForm(Math.floor(k / 4))[k % 4] ?? 0),
    },
    targets: feeds.targets,
    num_objs: feeds.num_objs,
  };
}

export interface RetinaExplanation {
  /** matched_idxs: truth row, -1 background, -2 ignored (between the thresholds) */
  readonly matched: readonly number[];
  /** foreground anchors whose best IoU is below fgIouThresh: matched only as their truth's best (low quality) */
  readonly lowQuality: readonly number[];
  readonly focal: readonly number[];
  readonly box: readonly number[];
  readonly numForeground: number;
  readonly ignored: number;
  readonly lossCls: number;
  readonly lossBox: number;
  /** Σ anchor_focal_loss / max(1, foreground), Σ anchor_box_loss / max(1, foreground) */
  readonly sumCls: number;
  readonly sumBox: number;
}

function values(outputs: Record<string, HostTensor>, name: string): number[] {
  const t = outputs[name];
  if (t === undefined) throw new Error(`the RetinaNet loss returned no '${name}'`);
  return Array.from(t.data, Number);
}

/** Reads the RetinaNet loss's outputs for one image; `overlaps` [truth][anchor] only tells low-quality matches apart. */
export function explainRetina(
  outputs: Record<string, HostTensor>,
  o: RetinaOptions,
  overlaps: readonly (readonly number[])[],
): RetinaExplanation {
  const [matched, focal, box] = RETINANET_DIAGNOSTICS.map((name) => values(outputs, name)) as [
    number[],
    number[],
    number[],
  ];
  const numForeground = values(outputs, 'num_foreground')[0] ?? 0;
  const n = Math.max(1, numForeground);
  const best = (p: number) => Math.max(0, ...overlaps.map((row) => row[p] ?? 0));
  return {
    matched,
    lowQuality: matched.flatMap((m, p) => (m >= 0 && best(p) < o.fgIouThresh ? [p] : [])),
    focal,
    box,
    numForeground,
    ignored: matched.filter((m) => m === BETWEEN_THRESHOLDS).length,
    lossCls: values(outputs, 'loss_cls')[0] ?? Number.NaN,
    lossBox: values(outputs, 'loss_box')[0] ?? Number.NaN,
    sumCls: focal.reduce((s, v) => s + v, 0) / n,
    sumBox: box.reduce((s, v) => s + v, 0) / n,
  };
}

/** How each anchor is drawn: foreground P, low-quality match L, ignored I, background plain. */
export function retinaRoles(e: RetinaExplanation): Role[] {
  const low = new Set(e.lowQuality);
  return e.matched.map((m, p) =>
    low.has(p) ? 'lowQuality' : m >= 0 ? 'positive' : m === BETWEEN_THRESHOLDS ? 'ignored' : 'other',
  );
}
