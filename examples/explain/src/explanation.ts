import type { HostTensor } from '@lossgraph/core';
import { NUM_PRIORS } from './layout.js';

/** The MultiBoxLoss feeds of one image (B = 1), as the page and the test build them. */
export type ExplainFeeds = Record<'loc_data' | 'conf_data' | 'dbox_list' | 'targets' | 'num_objs', HostTensor>;

/** What the loss did with one default box. */
export interface BoxStory {
  readonly index: number;
  /** the truth it is matched to (its best truth, or the truth that forced it) */
  readonly truth: number;
  /** a truth's best box, positive whatever its IoU */
  readonly forced: boolean;
  readonly positive: boolean;
  /** the score hard negative mining ranks by: the cross entropy, 0 for a positive (seed profile) */
  readonly miningScore: number;
  /** its place in the mining ranking (0 = largest score; ties by box index) */
  readonly miningRank: number;
  readonly minedNegative: boolean;
  /** its cross entropy against its label (0 = background for a negative) */
  readonly crossEntropy: number;
  /** Smooth L1 of its offsets against its truth's encoding, summed over the 4 coordinates; 0 unless positive */
  readonly smoothL1: number;
}

/** The whole account of one image's MultiBoxLoss. */
export interface Explanation {
  readonly boxes: readonly BoxStory[];
  readonly numPos: number;
  /** ceil(negPos · num_pos), at most P: how many boxes the mining keeps */
  readonly quota: number;
  readonly mined: number;
  /** the graph's outputs: sums divided by N = max(1, num_pos) */
  readonly lossL: number;
  readonly lossC: number;
  /** Σ of the per-box contributions, divided by N: must equal lossL and lossC */
  readonly sumL: number;
  readonly sumC: number;
  /** output names the graph gave, and the per-box quantities the page derived from them itself */
  readonly fromGraph: readonly string[];
  readonly derivedOnPage: readonly string[];
}

/** The diagnostic outputs the page asks the graph for. */
export const EXPLAIN_OUTPUTS = ['num_pos', 'conf_t_label', 'loc_t'] as const;

const scalar = (t: HostTensor | undefined, name: string): number => {
  if (t === undefined) throw new Error(`the loss returned no '${name}'`);
  return Number(t.data[0]);
};

function smoothL1(d: number): number {
  const a = Math.abs(d);
  return a < 1 ? 0.5 * d * d : a - 0.5;
}

/** Cross entropy of logits row `p` (C classes) against class `label`: logsumexp - logit[label]. */
function crossEntropy(conf: ArrayLike<number>, p: number, classes: number, label: number): number {
  let max = -Infinity;
  for (let c = 0; c < classes; c++) max = Math.max(max, conf[p * classes + c]!);
  let sum = 0;
  for (let c = 0; c < classes; c++) sum += Math.exp(conf[p * classes + c]! - max);
  return max + Math.log(sum) - conf[p * classes + label]!;
}

/**
 * Reads the loss's outputs for one image into a per-box account. Positives, labels and box encodings
 * (loc_t) come from the graph; the per-box cross entropy and Smooth L1, the mining ranking and the
 * matched truth are recomputed here from them (float64) until the loss exposes them as outputs, and
 * the sums are checked by the caller against the graph's loss_l and loss_c.
 */
export function explain(
  feeds: ExplainFeeds,
  outputs: Record<string, HostTensor>,
  options: { readonly negPos: number },
  overlaps: readonly (readonly number[])[],
): Explanation {
  const label = outputs.conf_t_label?.data;
  const locT = outputs.loc_t?.data;
  if (label === undefined || locT === undefined) throw new Error('the loss returned no conf_t_label or loc_t');
  const classes = feeds.conf_data.shape[2] ?? 0;
  const conf = feeds.conf_data.data;
  const loc = feeds.loc_data.data;
  const numPos = scalar(outputs.num_pos, 'num_pos');
  const n = Math.max(1, numPos);

  // matching, as the graph does it: best truth per box; each truth's best box is forced to it (highest truth wins)
  const forcedBy = new Array<number>(NUM_PRIORS).fill(-1);
  overlaps.forEach((row, t) => {
    let best = 0;
    row.forEach((v, p) => {
      if (v > row[best]!) best = p;
    });
    forcedBy[best] = Math.max(forcedBy[best]!, t);
  });
  const bestTruth = (p: number) =>
    overlaps.reduce((best, row, t) => (row[p]! > (overlaps[best]?.[p] ?? -1) ? t : best), 0);

  const partial = Array.from({ length: NUM_PRIORS }, (_, p) => {
    const cls = Number(label[p]);
    const positive = cls > 0;
    const ce = crossEntropy(conf, p, classes, cls);
    let l1 = 0;
    if (positive) for (let k = 0; k < 4; k++) l1 += smoothL1(Number(loc[4 * p + k]) - Number(locT[4 * p + k]));
    const forced = forcedBy[p]! >= 0;
    return {
      index: p,
      truth: forced ? forcedBy[p]! : bestTruth(p),
      forced,
      positive,
      miningScore: positive ? 0 : ce,
      crossEntropy: ce,
      smoothL1: l1,
    };
  });
  // the original's stable descending sort: larger score first, ties by box index
  const order = partial.map((_, p) => p).sort((a, b) => partial[b]!.miningScore - partial[a]!.miningScore || a - b);
  const rank = new Array<number>(NUM_PRIORS);
  order.forEach((p, r) => {
    rank[p] = r;
  });
  const quota = Math.min(NUM_PRIORS, Math.ceil(options.negPos * numPos));
  const boxes = partial.map((b) => {
    const r = rank[b.index]!;
    return { ...b, miningRank: r, minedNegative: !b.positive && r < quota };
  });
  const sumL = boxes.reduce((s, b) => s + b.smoothL1, 0) / n;
  const sumC = boxes.reduce((s, b) => s + (b.positive || b.minedNegative ? b.crossEntropy : 0), 0) / n;
  return {
    boxes,
    numPos,
    quota,
    mined: boxes.filter((b) => b.minedNegative).length,
    lossL: scalar(outputs.loss_l, 'loss_l'),
    lossC: scalar(outputs.loss_c, 'loss_c'),
    sumL,
    sumC,
    fromGraph: ['loss_l', 'loss_c', ...EXPLAIN_OUTPUTS],
    derivedOnPage: ['matched truth', 'forced', 'mining score', 'mined negatives', 'cross entropy', 'Smooth L1'],
  };
}
