/**
 * The MultiBoxLoss diagnostics where the decisions tie exactly, on every Node backend: the fixtures keep
 * every decision away from a tie (docs/FIXTURES.md), so the tie rules of docs/DESIGN.md are checked here on
 * hand-made inputs whose expected masks follow from the rules alone:
 * - mining: equal mining scores rank by box index (a stable descending sort), so the selection is the
 *   lowest-indexed boxes among the tied ones;
 * - matching: a box whose best truth ties takes the lowest truth index; a box that is the best box of
 *   several truths is forced to the highest of them (the original's loop order);
 * - YOLOv8's top-k: equal alignment metrics are taken lowest anchor index first.
 */
import type { Feeds, HostTensor, LossProgram, Outputs } from '@lossgraph/core';
import { multiboxLossProgram, yoloAnchors, yolov8LossProgram } from '@lossgraph/core';
import { afterAll, describe, expect, it } from 'vitest';
import { closeBackends, probeBackends, titled } from './support/backends.js';

const probed = await probeBackends((name) => !name.startsWith('browser-'));
afterAll(() => closeBackends(probed));

const f32 = (shape: number[], values: number[]): HostTensor => ({
  dtype: 'float32',
  shape,
  data: Float32Array.from(values),
});

// default boxes (cx, cy, w, h): d0 is the truth's own box (IoU 1), d1 overlaps it with IoU 0.82, d2-d9 lie
// in a row far from it (IoU 0)
const DBOXES = [
  [0.5, 0.5, 0.2, 0.2],
  [0.52, 0.5, 0.2, 0.2],
  ...Array.from({ length: 8 }, (_, i) => [0.1 * (i + 1), 0.1, 0.05, 0.05]),
];
const P = DBOXES.length;
const C = 3;
const TRUTH = [0.4, 0.4, 0.6, 0.6];
// image 0: one truth; image 1: the same box twice (labels 0 and 1), an exact IoU tie for every box
const feeds: Feeds = {
  loc_data: f32([2, P, 4], new Array(2 * P * 4).fill(0)),
  // equal logits: every negative box has the same cross entropy, log 3, so the mining ties exactly
  conf_data: f32([2, P, C], new Array(2 * P * C).fill(0)),
  dbox_list: f32([P, 4], DBOXES.flat()),
  targets: f32([2, 2, 5], [...TRUTH, 1, 0, 0, 0, 0, 0, ...TRUTH, 0, ...TRUTH, 1]),
  num_objs: { dtype: 'int32', shape: [2], data: Int32Array.from([1, 2]) },
};

const row = (values: number[]) => [...values, ...new Array(P - values.length).fill(0)];
const ints = (t: HostTensor | undefined) => Array.from(t?.data ?? []);

const CASES: readonly { name: string; program: LossProgram; hardNegative: number[] }[] = [
  {
    // two positives ask for ceil(3 · 2) = 6 negatives out of 8 equal ones: d2-d7, not d8, d9
    name: 'seed profile: a mining boundary inside equal scores selects the lowest box indices',
    program: multiboxLossProgram({ diagnostics: true, gradients: false }),
    hardNegative: row([0, 0, 1, 1, 1, 1, 1, 1]),
  },
  {
    // ceil(4.5 · 2) = 9 wanted, 8 negatives: the selection reaches one of the two positives (both at -1): d0
    name: 'torchvision profile: a selection running into the positives takes the lowest-indexed one',
    program: multiboxLossProgram({ diagnostics: true, gradients: false, profile: 'torchvision', negPos: 4.5 }),
    hardNegative: [1, 0, 1, 1, 1, 1, 1, 1, 1, 1],
  },
];

for (const p of probed) {
  const test = p.skip === null ? it : it.skip;
  describe(`${p.name}: diagnostics at exact ties`, () => {
    for (const c of CASES) {
      test(titled(p, c.name), async () => {
        const loss = await p.backend.compile(c.program);
        let out: Outputs;
        try {
          out = await loss.run(feeds);
        } finally {
          await loss.dispose();
        }
        expect(ints(out.positive)).toEqual([...row([1, 1]), ...row([1, 1])]);
        // image 1: d0 is the best box of both truths, forced to the last (1); d1 ties, so truth 0
        expect(ints(out.matched_truth)).toEqual([
          ...[0, 0, ...new Array(P - 2).fill(-1)],
          ...[1, 0, ...new Array(P - 2).fill(-1)],
        ]);
        expect(ints(out.forced_match)).toEqual([...row([1]), ...row([1])]);
        expect(ints(out.hard_negative)).toEqual([...c.hardNegative, ...c.hardNegative]);
      });
    }
  });
}

// YOLOv8 at 128 px (A = 336), zero logits everywhere: every anchor predicts the box of side 7.5 strides
// around its centre with class score 1/2. The truth [8, 24]² holds four stride-8 centres, (12 | 20, 12 | 20)
// (anchors 17, 18, 33, 34), placed symmetrically, so their alignment metrics are equal (exact small
// coordinates); the stride-32 centre (16, 16) inside it has a lower CIoU. With topk 2, the boundary falls
// inside the four-way tie: anchors 17 and 18.
const A = 336;
const yoloFeeds: Feeds = {
  ...yoloAnchors({ imageSize: 128 }),
  pred_distri: f32([1, A, 64], new Array(A * 64).fill(0)),
  pred_scores: f32([1, A, 2], new Array(A * 2).fill(0)),
  targets: f32([1, 1, 5], [8, 8, 24, 24, 0]),
  num_objs: { dtype: 'int32', shape: [1], data: Int32Array.from([1]) },
};
const only = (indices: number[]) => Array.from({ length: A }, (_, i) => (indices.includes(i) ? 1 : 0));

for (const p of probed) {
  const test = p.skip === null ? it : it.skip;
  test(
    titled(p, 'YOLOv8: a top-k boundary inside equal alignment metrics takes the lowest anchor indices'),
    async () => {
      const loss = await p.backend.compile(yolov8LossProgram({ diagnostics: true, gradients: false, topk: 2 }));
      let out: Outputs;
      try {
        out = await loss.run(yoloFeeds);
      } finally {
        await loss.dispose();
      }
      const align = out.align_metric?.data ?? [];
      expect(align[17]).toBeGreaterThan(0);
      expect([align[18], align[33], align[34]]).toEqual([align[17], align[17], align[17]]);
      expect(ints(out.candidates)).toEqual(only([17, 18]));
      expect(ints(out.fg_mask)).toEqual(only([17, 18]));
    },
  );
}
