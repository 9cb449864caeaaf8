import { type HostTensor, MULTIBOX_DIAGNOSTICS, multiboxLossProgram } from '@lossgraph/core';
import { NUM_PRIORS } from './layout.js';

/** The MultiBoxLoss feeds of one image (B = 1), as the page and the test build them. */
export type ExplainFeeds = Record<'loc_data' | 'conf_data' | 'dbox_list' | 'targets' | 'num_objs', HostTensor>;

/** What the loss did with one default box. */
export interface BoxStory {
  readonly index: number;
  /** the truth row a positive is matched to (its best truth, or the truth that forced it); -1 for background */
  readonly truth: number;
  /** some truth's best box, so positive whatever its IoU */
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
  /** output names the graph gave, and what the page adds itself */
  readonly fromGraph: readonly string[];
  readonly derivedOnPage: readonly string[];
}

/** The outputs the page asks the graph for besides loss_l and loss_c: num_pos and the per-box diagnostics. */
export const EXPLAIN_OUTPUTS = ['num_pos'] as const;

/** The options the sliders set (compiled into the graph, so each pair is its own session). */
export interface MatchOptions {
  readonly jaccardThresh: number;
  readonly negPos: number;
}

/** The program the page runs (and the test runs on the reference backend): losses, num_pos and the diagnostics. */
export function explainProgram(o: MatchOptions) {
  return multiboxLossProgram({
    gradients: false,
    jaccardThresh: o.jaccardThresh,
    negPos: o.negPos,
    outputs: [...EXPLAIN_OUTPUTS],
    diagnostics: true,
  });
}

function values(outputs: Record<string, HostTensor>, name: string): ArrayLike<number> {
  const t = outputs[name];
  if (t === undefined) throw new Error(`the loss returned no '${name}'`);
  return t.data;
}

/**
 * Reads the loss's outputs for one image (B = 1) into a per-box account. Every per-box number is one of
 * the graph's diagnostics (MULTIBOX_DIAGNOSTICS of @lossgraph/core); the page only sorts mining_score to
 * list the ranking, and adds the contributions up so they can be set beside loss_l and loss_c.
 */
export function explain(outputs: Record<string, HostTensor>, options: { readonly negPos: number }): Explanation {
  const [truth, forced, positive, mining, hard, ce, l1] = MULTIBOX_DIAGNOSTICS.map((name) => values(outputs, name));
  const numPos = Number(values(outputs, 'num_pos')[0]);
  const n = Math.max(1, numPos);
  const partial = Array.from({ length: NUM_PRIORS }, (_, p) => ({
    index: p,
    truth: Number(truth![p]),
    forced: Number(forced![p]) === 1,
    positive: Number(positive![p]) === 1,
    miningScore: Number(mining![p]),
    selected: Number(hard![p]) === 1,
    crossEntropy: Number(ce![p]),
    smoothL1: Number(l1![p]),
  }));
  // the ranking as the graph's mining makes it: a stable descending sort, ties by box index
  const order = partial.map((_, p) => p).sort((a, b) => partial[b]!.miningScore - partial[a]!.miningScore || a - b);
  const rank = new Array<number>(NUM_PRIORS);
  order.forEach((p, r) => {
    rank[p] = r;
  });
  const boxes = partial.map(({ selected, ...b }) => ({
    ...b,
    miningRank: rank[b.index]!,
    minedNegative: selected && !b.positive,
  }));
  const sumL = boxes.reduce((s, b) => s + b.smoothL1, 0) / n;
  const sumC = boxes.reduce((s, b) => s + (b.positive || b.minedNegative ? b.crossEntropy : 0), 0) / n;
  return {
    boxes,
    numPos,
    quota: Math.min(NUM_PRIORS, Math.ceil(options.negPos * numPos)),
    mined: boxes.filter((b) => b.minedNegative).length,
    lossL: Number(values(outputs, 'loss_l')[0]),
    lossC: Number(values(outputs, 'loss_c')[0]),
    sumL,
    sumC,
    fromGraph: ['loss_l', 'loss_c', ...EXPLAIN_OUTPUTS, ...MULTIBOX_DIAGNOSTICS],
    derivedOnPage: ['the mining rank (a stable sort of mining_score)', 'the IoU heat map (drawn from the boxes)'],
  };
}
