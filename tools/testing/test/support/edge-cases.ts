import type { Feeds, HostTensor } from '@lossgraph/core';
import { seededRandom } from '@lossgraph/core/testing';
import fc from 'fast-check';

/**
 * A MultiBoxLoss run on malformed or edge-case feeds, as a small JSON spec (so that fast-check shrinks
 * it and a child process can rebuild the feeds): sizes down to 0, labels and num_objs out of range,
 * non-finite and huge values, degenerate boxes, and structural damage (short data, wrong dtype, a
 * missing tensor, a wrong rank, P disagreeing).
 */
export interface EdgeCase {
  readonly B: number;
  readonly P: number;
  readonly C: number;
  readonly M: number;
  readonly seed: number;
  /** added to every label: pushes labels out of [0, C-2] */
  readonly labelShift: number;
  /** num_objs per image before clamping to B entries; may be negative or above M */
  readonly numObjs: readonly number[];
  readonly poison:
    | 'none'
    | 'nan-loc'
    | 'inf-conf'
    | 'huge-conf'
    | 'nan-target'
    | 'degenerate-truth'
    | 'zero-prior'
    | 'negative-prior';
  readonly damage: 'none' | 'short-data' | 'wrong-dtype' | 'missing' | 'rank' | 'p-mismatch';
  readonly jaccardThresh: number;
  readonly negPos: number;
}

export const edgeCases: fc.Arbitrary<EdgeCase> = fc.record({
  B: fc.integer({ min: 0, max: 3 }),
  P: fc.constantFrom(0, 1, 3, 40),
  C: fc.integer({ min: 1, max: 5 }),
  M: fc.integer({ min: 0, max: 3 }),
  seed: fc.integer({ min: 0, max: 1000 }),
  labelShift: fc.constantFrom(0, 0, 0, -3, 1, 7, 1000),
  numObjs: fc.array(fc.integer({ min: -2, max: 5 }), { minLength: 3, maxLength: 3 }),
  poison: fc.constantFrom(
    'none',
    'none',
    'nan-loc',
    'inf-conf',
    'huge-conf',
    'nan-target',
    'degenerate-truth',
    'zero-prior',
    'negative-prior',
  ),
  damage: fc.constantFrom('none', 'none', 'none', 'short-data', 'wrong-dtype', 'missing', 'rank', 'p-mismatch'),
  jaccardThresh: fc.constantFrom(0.3, 0.5, 1),
  negPos: fc.constantFrom(0, 1, 3),
});

const f32 = (shape: number[], values: Iterable<number>): HostTensor => ({
  dtype: 'float32',
  shape,
  data: Float32Array.from(values),
});

/** The feeds an edge case describes. */
export function edgeFeeds(c: EdgeCase): Feeds {
  const r = seededRandom(c.seed);
  const { B, P, C, M } = c;
  const n = (k: number) => Array.from({ length: k }, () => r());
  const priors = Array.from({ length: P }, () => [r(), r(), 0.05 + 0.5 * r(), 0.05 + 0.5 * r()]).flat();
  const targets = Array.from({ length: B * M }, () => {
    const x = 0.6 * r();
    const y = 0.6 * r();
    return [x, y, x + 0.05 + 0.3 * r(), y + 0.05 + 0.3 * r(), Math.floor(r() * Math.max(1, C - 1)) + c.labelShift];
  }).flat();
  const loc = n(B * P * 4).map((v) => v - 0.5);
  const conf = n(B * P * C).map((v) => 6 * v - 3);
  // each poison writes one value where the array has one (an empty problem has nothing to poison)
  const set = (a: number[], i: number, v: number) => {
    if (i >= 0 && i < a.length) a[i] = v;
  };
  const poison = {
    none: () => {},
    'nan-loc': () => set(loc, 0, NaN),
    'inf-conf': () => set(conf, conf.length - 1, Infinity),
    'huge-conf': () => set(conf, 0, 3e38),
    'nan-target': () => set(targets, 1, NaN),
    'degenerate-truth': () => set(targets, 2, targets[0]!),
    'zero-prior': () => set(priors, 2, 0),
    'negative-prior': () => set(priors, 3, -0.2),
  };
  poison[c.poison]();
  let feeds: Record<string, HostTensor> = {
    loc_data: f32([B, P, 4], loc),
    conf_data: f32([B, P, C], conf),
    dbox_list: f32([P, 4], priors),
    targets: f32([B, M, 5], targets),
    num_objs: {
      dtype: 'int32',
      shape: [B],
      data: Int32Array.from({ length: B }, (_, b) => c.numObjs[b % c.numObjs.length]!),
    },
  };
  const damage = {
    none: () => {},
    'short-data': () => (feeds.conf_data = { ...feeds.conf_data!, data: feeds.conf_data!.data.slice(1) }),
    'wrong-dtype': () =>
      (feeds.num_objs = { dtype: 'int32', shape: [B], data: Float32Array.from(feeds.num_objs!.data) }),
    missing: () => {
      const { targets: _, ...rest } = feeds;
      feeds = rest;
    },
    rank: () => (feeds.loc_data = { ...feeds.loc_data!, shape: [B * P * 4] }),
    'p-mismatch': () => (feeds.dbox_list = f32([P + 1, 4], [...priors, 0.5, 0.5, 0.1, 0.1])),
  };
  damage[c.damage]();
  return feeds;
}
