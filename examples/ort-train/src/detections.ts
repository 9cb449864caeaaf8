/**
 * Host-side post-processing of the detector's outputs: SSD box decoding against the default boxes (the
 * inverse of the MultiBoxLoss's encoding, variances [0.1, 0.2]), softmax scores, and per-class greedy
 * non-maximum suppression. Plain arrays: runs on what any onnxruntime returns.
 */
import { SHAPES } from '@lossgraph-examples/tiny-ssd/config';

export interface Detection {
  /** normalised corners */
  readonly box: readonly [number, number, number, number];
  readonly label: number;
  readonly name: string;
  readonly score: number;
}

export interface DetectOptions {
  /** the lowest class probability kept (default 0.3) */
  readonly scoreThreshold?: number;
  /** boxes overlapping a kept one of the same class above this IoU are dropped (default 0.45) */
  readonly iouThreshold?: number;
  /** the most detections per image (default 10) */
  readonly topK?: number;
  readonly variances?: readonly [number, number];
}

type Box = readonly [number, number, number, number];

function iou(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
}

/** Decodes box `p`'s offsets `loc` (dx, dy, dw, dh) against prior (cx, cy, w, h) into corners. */
function decodeBox(loc: ArrayLike<number>, priors: ArrayLike<number>, p: number, [vc, vs]: readonly number[]): Box {
  const at = (a: ArrayLike<number>, i: number) => a[4 * p + i] ?? Number.NaN;
  const cx = at(priors, 0) + at(loc, 0) * (vc ?? 0.1) * at(priors, 2);
  const cy = at(priors, 1) + at(loc, 1) * (vc ?? 0.1) * at(priors, 3);
  const w = at(priors, 2) * Math.exp(at(loc, 2) * (vs ?? 0.2));
  const h = at(priors, 3) * Math.exp(at(loc, 3) * (vs ?? 0.2));
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

/** Softmax over row `p` of [P, C] logits. */
function softmaxRow(conf: ArrayLike<number>, p: number, classes: number): number[] {
  const row = Array.from({ length: classes }, (_, c) => conf[p * classes + c] ?? Number.NaN);
  const max = Math.max(...row);
  const e = row.map((x) => Math.exp(x - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

/**
 * The detections of one image: `loc` [P, 4] and `conf` [P, C] (class 0 background) of the image, `priors`
 * [P, 4] (cx, cy, w, h). Highest score first.
 */
export function detect(
  loc: ArrayLike<number>,
  conf: ArrayLike<number>,
  priors: ArrayLike<number>,
  options: DetectOptions = {},
): Detection[] {
  const { scoreThreshold = 0.3, iouThreshold = 0.45, topK = 10, variances = [0.1, 0.2] } = options;
  const boxes = priors.length / 4;
  const classes = conf.length / boxes;
  const candidates: Detection[] = [];
  for (let p = 0; p < boxes; p++) {
    const probs = softmaxRow(conf, p, classes);
    for (const [c, score] of probs.entries()) {
      if (c === 0 || score < scoreThreshold) continue;
      candidates.push({ box: decodeBox(loc, priors, p, variances), label: c - 1, name: SHAPES[c - 1] ?? '?', score });
    }
  }
  candidates.sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of candidates) {
    if (kept.length >= topK) break;
    if (kept.every((k) => k.label !== d.label || iou(k.box, d.box) <= iouThreshold)) kept.push(d);
  }
  return kept;
}

/** The detections of every image of a batch's `loc_data` [B, P, 4] and `conf_data` [B, P, C]. */
export function detectBatch(
  locData: ArrayLike<number>,
  confData: ArrayLike<number>,
  priors: ArrayLike<number>,
  batch: number,
  options: DetectOptions = {},
): Detection[][] {
  const loc = Array.from(locData);
  const conf = Array.from(confData);
  const l = loc.length / batch;
  const c = conf.length / batch;
  return Array.from({ length: batch }, (_, b) =>
    detect(loc.slice(b * l, (b + 1) * l), conf.slice(b * c, (b + 1) * c), priors, options),
  );
}
