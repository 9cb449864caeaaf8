import {
  type Feeds,
  type HostTensor,
  type LossProgram,
  type MultiboxFixture,
  multiboxLossProgram,
  type Outputs,
  packTargets,
  type TruthRow,
} from '@lossgraph/core';
import { negativeLosses, seededRandom } from '@lossgraph/core/testing';
import fc from 'fast-check';

/** Seeded uniform generator (Mulberry32), so that every generated problem reproduces from its seed. */
export const seeded = seededRandom;

export interface LossOptions {
  readonly jaccardThresh: number;
  readonly negPos: number;
  readonly variances: readonly [number, number];
}

/**
 * One random MultiBoxLoss problem. Sizes, truths and options are drawn by fast-check (so they shrink to a
 * minimal counter-example); default boxes and predictions, up to 4 x 300 x 10 numbers, follow from `seed`.
 * Image b keeps the first min(M, truths[b].length) boxes of `truths[b]`.
 */
export interface Problem extends LossOptions {
  readonly B: number;
  readonly P: number;
  readonly C: number;
  readonly M: number;
  readonly truths: readonly (readonly Truth[])[];
  readonly seed: number;
}

interface Truth {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly label: number;
}

const unit = (min: number, max: number) => fc.double({ min, max, noNaN: true });
const truth = fc.record({
  x: unit(0, 0.9),
  y: unit(0, 0.9),
  w: unit(0.02, 0.6),
  h: unit(0.02, 0.6),
  label: fc.nat({ max: 8 }),
});

export interface ProblemLimits {
  readonly maxB: number;
  readonly maxP: number;
  readonly maxC: number;
  readonly maxM: number;
}

/** B 1-4, P 1-300, C 2-10, M 0-8 (M = 0 is rejected by validation: see the property tests). */
export const ISSUE_LIMITS: ProblemLimits = { maxB: 4, maxP: 300, maxC: 10, maxM: 8 };

export function problems(limits: ProblemLimits = ISSUE_LIMITS): fc.Arbitrary<Problem> {
  return fc.record({
    B: fc.integer({ min: 1, max: limits.maxB }),
    P: fc.integer({ min: 1, max: limits.maxP }),
    C: fc.integer({ min: 2, max: limits.maxC }),
    // M = 0 (rejected by validation) about one run in ten, instead of fast-check's bias to small sizes
    M: fc.oneof(
      { arbitrary: fc.constant(0), weight: 1 },
      { arbitrary: fc.integer({ min: 1, max: limits.maxM }), weight: 9 },
    ),
    truths: fc.array(fc.array(truth, { maxLength: limits.maxM }), { minLength: limits.maxB, maxLength: limits.maxB }),
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    jaccardThresh: unit(0.1, 0.9),
    // values float32 flushes to 0 are refused as options (requireFloat32): draw 0 instead
    negPos: fc.oneof(
      fc.integer({ min: 0, max: 5 }),
      unit(0, 5).map((v) => (v < 1e-30 ? 0 : v)),
    ),
    variances: fc.tuple(unit(0.05, 0.5), unit(0.05, 0.5)),
  });
}

export function optionsOf(p: LossOptions): LossOptions {
  return { jaccardThresh: p.jaccardThresh, negPos: p.negPos, variances: p.variances };
}

/** The program every cross-backend test compiles: gradients plus the exactly-compared diagnostics. */
export function programFor(options: LossOptions): LossProgram {
  return multiboxLossProgram({ ...optionsOf(options), gradients: true, outputs: ['num_pos', 'conf_t_label'] });
}

function f32(shape: number[], draw: () => number): HostTensor {
  return { dtype: 'float32', shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, draw) };
}

export function feedsOf(p: Problem): Feeds {
  const r = seeded(p.seed);
  const rows = p.truths
    .slice(0, p.B)
    .map((list) => list.slice(0, p.M).map((t): TruthRow => [t.x, t.y, t.x + t.w, t.y + t.h, t.label % (p.C - 1)]));
  const packed = p.M === 0 ? emptyTargets(p.B) : packTargets(rows, p.M);
  // default boxes: centres in [0, 1], sizes in [0.02, 0.6]
  let k = 0;
  const dbox_list = f32([p.P, 4], () => (k++ % 4 < 2 ? r() : 0.02 + 0.58 * r()));
  return {
    loc_data: f32([p.B, p.P, 4], () => 4 * r() - 2),
    conf_data: f32([p.B, p.P, p.C], () => 6 * r() - 3),
    dbox_list,
    ...packed,
  };
}

/** targets [B, 0, 5]: the empty M axis that validation rejects (packTargets always pads to M >= 1). */
function emptyTargets(B: number): { targets: HostTensor; num_objs: HostTensor } {
  return {
    targets: { dtype: 'float32', shape: [B, 0, 5], data: new Float32Array(0) },
    num_objs: { dtype: 'int32', shape: [B], data: new Int32Array(B) },
  };
}

function iou(t: ArrayLike<number>, ti: number, d: ArrayLike<number>, p: number): number {
  const [cx, cy, w, h] = [d[p * 4]!, d[p * 4 + 1]!, d[p * 4 + 2]!, d[p * 4 + 3]!];
  const [px1, py1, px2, py2] = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
  const [x1, y1, x2, y2] = [t[ti]!, t[ti + 1]!, t[ti + 2]!, t[ti + 3]!];
  const iw = Math.max(0, Math.min(x2, px2) - Math.max(x1, px1));
  const ih = Math.max(0, Math.min(y2, py2) - Math.max(y1, py1));
  const inter = iw * ih;
  return inter / ((x2 - x1) * (y2 - y1) + (px2 - px1) * (py2 - py1) - inter);
}

/**
 * Why a problem sits at a point where float32 and float64 may legitimately disagree, or null when it
 * does not. Matching and mining are discrete choices made by comparing floats: when two candidates are
 * nearly tied, or an overlap is nearly at the threshold, float32 rounding can pick the other one, which
 * changes labels exactly and gradients by a whole entry. Such inputs are filtered out (fc.pre) rather
 * than tolerated, so the agreement check stays exact everywhere else. `labels` are the reference's
 * conf_t_label for this problem.
 */
export function nearTie(feeds: Feeds, options: LossOptions, labels: ArrayLike<number>): string | null {
  const [B, P] = feeds.conf_data!.shape as [number, number, number];
  const M = feeds.targets!.shape[1]!;
  const t = feeds.targets!.data;
  const d = feeds.dbox_list!.data;
  const mining = negativeLosses(feeds, labels);
  for (let b = 0; b < B; b++) {
    const n = feeds.num_objs!.data[b]!;
    const overlaps = Array.from({ length: n }, (_, m) =>
      Array.from({ length: P }, (_, p) => iou(t, (b * M + m) * 5, d, p)),
    );
    const forced = new Set<number>();
    for (const row of overlaps) {
      const sorted = [...row].sort((x, y) => y - x);
      if (sorted[0]! > 0 && sorted.length > 1 && sorted[0]! - sorted[1]! < 1e-5)
        return `image ${b}: a truth's two best default boxes tie`;
      forced.add(row.indexOf(sorted[0]!));
    }
    for (let p = 0; p < P && n > 0; p++) {
      if (forced.has(p)) continue;
      const col = overlaps.map((row) => row[p]!).sort((x, y) => y - x);
      if (Math.abs(col[0]! - options.jaccardThresh) < 1e-4)
        return `image ${b} box ${p}: best overlap ${col[0]} at the threshold`;
      if (col[0]! > 0 && col.length > 1 && col[0]! - col[1]! < 1e-5)
        return `image ${b} box ${p}: its two best truths tie`;
    }
    // mining: the hard negatives kept are the ceil(negPos * num_pos) largest cross entropies
    const { numPos, losses: ce } = mining[b]!;
    const numNeg = options.negPos * numPos;
    if (!Number.isInteger(options.negPos) && numPos > 0 && Math.abs(numNeg - Math.round(numNeg)) < 1e-4) {
      return `image ${b}: negPos * num_pos = ${numNeg} is nearly an integer (float32 rounding moves the rank cut)`;
    }
    const kept = Math.min(Math.ceil(numNeg), ce.length);
    if (kept > 0 && kept < ce.length && ce[kept - 1]! - ce[kept]! < 1e-4 * Math.max(1, ce[kept]!)) {
      return `image ${b}: the last kept and the first dropped hard negative tie`;
    }
  }
  return null;
}

/**
 * The reference's outputs as a fixture, so that `compareWithFixture` applies the docs/FIXTURES.md tolerances
 * to a backend's outputs exactly as `bench validate` does. Gradients are stored as float32, as fixtures are.
 */
export function referenceFixture(name: string, feeds: Feeds, options: LossOptions, ref: Outputs): MultiboxFixture {
  const i32 = (k: string) => Int32Array.from(ref[k]!.data);
  return {
    name,
    loss: 'multibox',
    inputs: feeds as MultiboxFixture['inputs'],
    options: { profile: 'seed', ...options, variances: [options.variances[0], options.variances[1]] },
    expected: {
      loss_l: ref.loss_l!.data[0]!,
      loss_c: ref.loss_c!.data[0]!,
      grad_loc: Float32Array.from(ref.grad_loc!.data),
      grad_conf: Float32Array.from(ref.grad_conf!.data),
      conf_t_label: i32('conf_t_label'),
      loc_t: new Float32Array(0),
      num_pos: i32('num_pos'),
    },
    metadata: {},
  };
}

/** A readable summary of a problem for failure messages (fast-check prints the full record too). */
export function describeProblem(p: Problem): string {
  return `B=${p.B} P=${p.P} C=${p.C} M=${p.M} seed=${p.seed} jaccardThresh=${p.jaccardThresh} negPos=${p.negPos} variances=${p.variances}`;
}
