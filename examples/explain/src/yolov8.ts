import {
  type HostTensor,
  ULTRALYTICS_IOU_EPS as IOU_EPS,
  type TruthRow,
  YOLOV8_DIAGNOSTICS,
  type Yolov8Input,
  yoloAnchors,
  yolov8LossProgram,
} from '@lossgraph/core';
import { SHAPES } from '@lossgraph-examples/tiny-ssd/config';
import { normals } from './scene.js';

/** The YOLOv8 view's image side in pixels (the 32-px synthetic image scaled up) and its head's strides. */
export const YOLO_IMAGE = 128;
export const YOLO_STRIDES = [8, 16, 32] as const;
/** DFL bins per side (Ultralytics' reg_max) and the loss gains, the loss's defaults. */
export const REG_MAX = 16;
const GAINS = { box: 7.5, cls: 0.5, dfl: 1.5 } as const;
/** Ultralytics' in-box margin and DFL's margin below regMax - 1 (packages/core/src/losses/yolov8/). */
const IN_BOX_EPS = 1e-9;
const DFL_MARGIN = 0.01;

export const YOLO_ANCHORS = yoloAnchors({ imageSize: YOLO_IMAGE, strides: YOLO_STRIDES });
export const NUM_ANCHORS = YOLO_ANCHORS.stride_tensor.data.length;

/** One level of the head: its stride, its side in cells and the index of its first anchor. */
export interface YoloLevel {
  readonly stride: number;
  readonly size: number;
  readonly start: number;
}
export const YOLO_LEVELS: readonly YoloLevel[] = YOLO_STRIDES.map((stride, k) => ({
  stride,
  size: YOLO_IMAGE / stride,
  start: YOLO_STRIDES.slice(0, k).reduce((n, s) => n + (YOLO_IMAGE / s) ** 2, 0),
}));

/** Anchor `a`'s stride and centre in pixels. */
export function anchorCentre(a: number): { stride: number; x: number; y: number } {
  const s = Number(YOLO_ANCHORS.stride_tensor.data[a]);
  return {
    stride: s,
    x: Number(YOLO_ANCHORS.anchor_points.data[2 * a]) * s,
    y: Number(YOLO_ANCHORS.anchor_points.data[2 * a + 1]) * s,
  };
}

/** Where anchor `a` sits: "stride 8, cell (row, col)". */
export function anchorPlace(a: number): string {
  const { stride, x, y } = anchorCentre(a);
  return `stride ${stride}, cell (${Math.floor(y / stride)}, ${Math.floor(x / stride)})`;
}

/** The task-aligned assigner's options the sliders set (compiled into the graph: one session each). */
export interface YoloOptions {
  readonly topk: number;
  readonly alpha: number;
  readonly beta: number;
}

/** YOLOv8's loss with its assignment diagnostics (YOLOV8_DIAGNOSTICS), no gradients. */
export function yoloProgram(o: YoloOptions) {
  return yolov8LossProgram({ gradients: false, regMax: REG_MAX, ...o, diagnostics: true });
}

export type YoloFeeds = Record<Yolov8Input, HostTensor>;

/**
 * The YOLOv8 feeds of the page's image: its truths in pixels of a YOLO_IMAGE-px image, the anchors of
 * YOLO_STRIDES, and seeded predictions: class logits N(0, 1), and side distributions peaked near 1.5
 * cells (logit -(i - 1.5)²/2 plus N(0, 0.5²) noise), so the predicted boxes are about 3 cells wide.
 */
export function yoloFeeds(truths: readonly TruthRow[], seed: number): YoloFeeds {
  const M = Math.max(1, truths.length);
  const targets = new Float32Array(M * 5);
  truths.forEach(([x0, y0, x1, y1, label], t) => {
    targets.set([x0 * YOLO_IMAGE, y0 * YOLO_IMAGE, x1 * YOLO_IMAGE, y1 * YOLO_IMAGE, label], 5 * t);
  });
  const noise = normals(NUM_ANCHORS * 4 * REG_MAX, seed);
  const distri = noise.map((v, k) => -(((k % REG_MAX) - 1.5) ** 2) / 2 + 0.5 * v);
  return {
    pred_distri: { dtype: 'float32', shape: [1, NUM_ANCHORS, 4 * REG_MAX], data: distri },
    pred_scores: {
      dtype: 'float32',
      shape: [1, NUM_ANCHORS, SHAPES.length],
      data: normals(NUM_ANCHORS * SHAPES.length, seed + 1),
    },
    ...YOLO_ANCHORS,
    targets: { dtype: 'float32', shape: [1, M, 5], data: targets },
    num_objs: { dtype: 'int32', shape: [1], data: Int32Array.of(truths.length) },
  };
}

/** What the assigner and the loss did with one image, per truth and per anchor. */
export interface YoloExplanation {
  /** [truth][anchor], real truths only: the anchor centre lies inside the truth (computed on the page) */
  readonly inBox: readonly (readonly boolean[])[];
  /** [truth][anchor]: top-k by alignment metric and in-box (the graph's `candidates`) */
  readonly candidates: readonly (readonly boolean[])[];
  /** [truth][anchor]: score^alpha · CIoU^beta (the graph's `align_metric`) */
  readonly align: readonly (readonly number[])[];
  readonly fgMask: readonly number[];
  readonly targetGtIdx: readonly number[];
  /** anchors that several truths took as candidates: the graph gave each to its highest-IoU truth */
  readonly contested: readonly number[];
  /** per anchor: its soft target (Σ over classes of `target_scores`) and its assigned class, -1 if none */
  readonly softTarget: readonly number[];
  /** per anchor, before the division by S: the box, class and DFL terms (recomputed on the page) */
  readonly box: readonly number[];
  readonly cls: readonly number[];
  readonly dfl: readonly number[];
  /** S = max(1, Σ target_scores) */
  readonly total: number;
  readonly lossBox: number;
  readonly lossCls: number;
  readonly lossDfl: number;
  /** gain · Σ per-anchor term / S: must equal the graph's three outputs */
  readonly sumBox: number;
  readonly sumCls: number;
  readonly sumDfl: number;
}

function values(outputs: Record<string, HostTensor>, name: string): number[] {
  const t = outputs[name];
  if (t === undefined) throw new Error(`the YOLOv8 loss returned no '${name}'`);
  return Array.from(t.data, Number);
}

/** Ultralytics' CIoU of two boxes (x1, y1, x2, y2), as packages/core/src/losses/yolov8/ciou.ts builds it. */
export function ciou(a: readonly number[], b: readonly number[]): number {
  const [x1, y1, x2, y2] = a as [number, number, number, number];
  const [x1b, y1b, x2b, y2b] = b as [number, number, number, number];
  const w1 = x2 - x1;
  const h1 = y2 - y1 + IOU_EPS;
  const w2 = x2b - x1b;
  const h2 = y2b - y1b + IOU_EPS;
  const inter = Math.max(0, Math.min(x2, x2b) - Math.max(x1, x1b)) * Math.max(0, Math.min(y2, y2b) - Math.max(y1, y1b));
  const iou = inter / (w1 * h1 + w2 * h2 - inter + IOU_EPS);
  const c2 = (Math.max(x2, x2b) - Math.min(x1, x1b)) ** 2 + (Math.max(y2, y2b) - Math.min(y1, y1b)) ** 2 + IOU_EPS;
  const rho2 = ((x1b + x2b - x1 - x2) ** 2 + (y1b + y2b - y1 - y2) ** 2) / 4;
  const v = (4 / Math.PI ** 2) * (Math.atan(w2 / h2) - Math.atan(w1 / h1)) ** 2;
  return iou - (rho2 / c2 + (v * v) / (v - iou + 1 + IOU_EPS));
}

/** log-softmax of one side's bins */
function logSoftmax(z: readonly number[]): number[] {
  const top = Math.max(...z);
  const log = Math.log(z.reduce((s, v) => s + Math.exp(v - top), 0)) + top;
  return z.map((v) => v - log);
}

/**
 * Reads the YOLOv8 loss's outputs for the page's feeds (B = 1). The assignment is the graph's
 * (YOLOV8_DIAGNOSTICS); the page adds the in-box test, the contested anchors and each anchor's three
 * terms, recomputed in float64 from the feeds and the soft targets so they can be set beside the outputs.
 */
export function explainYolo(outputs: Record<string, HostTensor>, feeds: YoloFeeds): YoloExplanation {
  const [cand, align, fgMask, targetGtIdx, targetScores] = YOLOV8_DIAGNOSTICS.map((name) => values(outputs, name)) as [
    number[],
    number[],
    number[],
    number[],
    number[],
  ];
  const A = NUM_ANCHORS;
  const C = SHAPES.length;
  const truths = Array.from({ length: Number(feeds.num_objs.data[0]) }, (_, t) =>
    Array.from(feeds.targets.data.subarray(5 * t, 5 * t + 4), Number),
  );
  const inBox = truths.map(([x1, y1, x2, y2]) =>
    Array.from({ length: A }, (_, a) => {
      const { x, y } = anchorCentre(a);
      return Math.min(x - x1!, y - y1!, x2! - x, y2! - y) > IN_BOX_EPS;
    }),
  );
  const perTruth = <T>(flat: readonly number[], f: (v: number) => T) =>
    truths.map((_, t) => flat.slice(t * A, (t + 1) * A).map(f));
  const candidates = perTruth(cand, (v) => v === 1);
  const softTarget = Array.from({ length: A }, (_, a) =>
    targetScores.slice(a * C, (a + 1) * C).reduce((s, v) => s + v, 0),
  );
  const total = Math.max(
    1,
    softTarget.reduce((s, v) => s + v, 0),
  );
  const logits = Array.from(feeds.pred_scores.data, Number);
  const distri = Array.from(feeds.pred_distri.data, Number);
  const cls = Array.from({ length: A }, (_, a) => {
    let sum = 0;
    for (let c = 0; c < C; c++) {
      const z = logits[a * C + c] ?? 0;
      sum += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - z * (targetScores[a * C + c] ?? 0);
    }
    return sum;
  });
  const box = new Array<number>(A).fill(0);
  const dfl = new Array<number>(A).fill(0);
  for (let a = 0; a < A; a++) {
    if (fgMask[a] !== 1) continue;
    const { stride, x, y } = anchorCentre(a);
    const [px, py] = [x / stride, y / stride];
    const sides = [0, 1, 2, 3].map((k) => logSoftmax(distri.slice((a * 4 + k) * REG_MAX, (a * 4 + k + 1) * REG_MAX)));
    const [dl, dt, dr, db] = sides.map((lp) => lp.reduce((s, v, i) => s + Math.exp(v) * i, 0)) as [
      number,
      number,
      number,
      number,
    ];
    const [gx1, gy1, gx2, gy2] = (truths[targetGtIdx[a] ?? 0] ?? []).map((v) => v / stride) as [
      number,
      number,
      number,
      number,
    ];
    box[a] = (softTarget[a] ?? 0) * (1 - ciou([px - dl, py - dt, px + dr, py + db], [gx1, gy1, gx2, gy2]));
    const distances = [px - gx1, py - gy1, gx2 - px, gy2 - py].map((d) =>
      Math.min(REG_MAX - 1 - DFL_MARGIN, Math.max(0, d)),
    );
    const ce = distances.map((d, k) => {
      const lower = Math.floor(d);
      const w = lower + 1 - d;
      const lp = sides[k] ?? [];
      return -(lp[lower] ?? 0) * w - (lp[lower + 1] ?? 0) * (1 - w);
    });
    dfl[a] = ((softTarget[a] ?? 0) * ce.reduce((s, v) => s + v, 0)) / 4;
  }
  const sum = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0);
  return {
    inBox,
    candidates,
    align: perTruth(align, (v) => v),
    fgMask,
    targetGtIdx,
    contested: Array.from({ length: A }, (_, a) => a).filter((a) => candidates.filter((c) => c[a]).length > 1),
    softTarget,
    box,
    cls,
    dfl,
    total,
    lossBox: values(outputs, 'loss_box')[0] ?? Number.NaN,
    lossCls: values(outputs, 'loss_cls')[0] ?? Number.NaN,
    lossDfl: values(outputs, 'loss_dfl')[0] ?? Number.NaN,
    sumBox: (GAINS.box * sum(box)) / total,
    sumCls: (GAINS.cls * sum(cls)) / total,
    sumDfl: (GAINS.dfl * sum(dfl)) / total,
  };
}
