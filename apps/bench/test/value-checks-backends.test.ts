import {
  type CompiledLoss,
  type Feeds,
  LossGraphError,
  type LossProgram,
  retinanetLossProgram,
  syntheticRetinanetFeeds,
  syntheticYolov8Feeds,
  yolov8LossProgram,
} from '@lossgraph/core';
import { allBackends, type BenchBackend } from '@lossgraph-tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Each class of bad value of the RetinaNet and YOLOv8 losses, on every backend that runs in Node: run()
// rejects with the code and the place (tensor, index or image and row) the value checks name, whatever
// the backend (tools/testing/test/robustness-backends.test.ts does the same for the MultiBoxLoss).

interface BadValue {
  readonly name: string;
  readonly spoil: (feeds: Record<string, { data: Float32Array | Int32Array }>) => void;
  readonly code: string;
  readonly details: Record<string, unknown>;
}

/** A deep copy of the feeds with `spoil` applied. */
function spoiled(feeds: Feeds, spoil: BadValue['spoil']): Feeds {
  const copy = Object.fromEntries(
    Object.entries(feeds).map(([name, t]) => [name, { ...t, data: t.data.slice() as Float32Array | Int32Array }]),
  );
  spoil(copy);
  return copy;
}

const set = (data: Float32Array | Int32Array | undefined, at: number, v: number) => {
  if (data === undefined || at >= data.length) throw new Error(`no value ${at} to spoil`);
  data[at] = v;
};

// B = 2, C = 5, M = 4 (the synthetic images hold 2 to 4 objects, so rows 0 and 1 of each image are real)
const M = 4;
const C = 5;
const RETINANET_A = 9 * (16 ** 2 + 8 ** 2 + 4 ** 2 + 2 ** 2 + 1);
const YOLO_A = 8 ** 2 + 4 ** 2 + 2 ** 2;

const RETINANET_BAD: readonly BadValue[] = [
  {
    name: 'NaN in cls_logits',
    spoil: (f) => set(f.cls_logits?.data, (1 * RETINANET_A + 7) * C + 2, Number.NaN),
    code: 'NON_FINITE',
    details: { tensor: 'cls_logits', index: [1, 7, 2] },
  },
  {
    name: 'Inf in bbox_regression',
    spoil: (f) => set(f.bbox_regression?.data, 3 * 4 + 1, Number.POSITIVE_INFINITY),
    code: 'NON_FINITE',
    details: { tensor: 'bbox_regression', index: [0, 3, 1] },
  },
  {
    name: 'an anchor of zero width',
    spoil: (f) => set(f.anchors?.data, 5 * 4 + 2, f.anchors?.data[5 * 4] ?? 0),
    code: 'DEGENERATE_BOX',
    details: { tensor: 'anchors', row: 5 },
  },
  {
    name: 'NaN in a real targets row',
    spoil: (f) => set(f.targets?.data, 1 * 5 + 2, Number.NaN),
    code: 'NON_FINITE',
    details: { tensor: 'targets', image: 0, row: 1, index: [0, 1, 2] },
  },
  {
    name: 'a label of C',
    spoil: (f) => set(f.targets?.data, (1 * M + 0) * 5 + 4, C),
    code: 'LABEL_OUT_OF_RANGE',
    details: { tensor: 'targets', image: 1, row: 0 },
  },
  {
    name: 'num_objs above M',
    spoil: (f) => set(f.num_objs?.data, 1, M + 1),
    code: 'NUM_OBJS_OUT_OF_RANGE',
    details: { tensor: 'num_objs', image: 1 },
  },
];

const YOLOV8_BAD: readonly BadValue[] = [
  {
    name: '-Inf in pred_distri',
    spoil: (f) => set(f.pred_distri?.data, 10 * 64 + 5, Number.NEGATIVE_INFINITY),
    code: 'NON_FINITE',
    details: { tensor: 'pred_distri', index: [0, 10, 5] },
  },
  {
    name: 'NaN in pred_scores',
    spoil: (f) => set(f.pred_scores?.data, (1 * YOLO_A + 2) * C + 3, Number.NaN),
    code: 'NON_FINITE',
    details: { tensor: 'pred_scores', index: [1, 2, 3] },
  },
  {
    name: 'a stride of 0',
    spoil: (f) => set(f.stride_tensor?.data, 4, 0),
    code: 'DEGENERATE_BOX',
    details: { tensor: 'stride_tensor', row: 4 },
  },
  {
    name: 'a negative anchor point',
    spoil: (f) => set(f.anchor_points?.data, 3 * 2, -1),
    code: 'DEGENERATE_BOX',
    details: { tensor: 'anchor_points', row: 3 },
  },
  {
    name: 'a negative label',
    spoil: (f) => set(f.targets?.data, 1 * 5 + 4, -1),
    code: 'LABEL_OUT_OF_RANGE',
    details: { tensor: 'targets', image: 0, row: 1 },
  },
  {
    name: 'a box past the image',
    spoil: (f) => set(f.targets?.data, (1 * M + 0) * 5 + 2, 1000),
    code: 'BOX_OUTSIDE_IMAGE',
    details: { tensor: 'targets', image: 1, row: 0 },
  },
];

const LOSSES: readonly { name: string; program: () => LossProgram; feeds: Feeds; bad: readonly BadValue[] }[] = [
  {
    name: 'retinanet',
    program: () => retinanetLossProgram(),
    feeds: syntheticRetinanetFeeds({ batch: 2, classes: C, imageSize: 128 }, 5),
    bad: RETINANET_BAD,
  },
  {
    name: 'yolov8',
    program: () => yolov8LossProgram(),
    feeds: syntheticYolov8Feeds({ batch: 2, classes: C, imageSize: 64 }, 5),
    bad: YOLOV8_BAD,
  },
];

async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return e;
  }
  return undefined;
}

const nodeBackends: BenchBackend[] = allBackends().filter((b) => !b.name.startsWith('browser-'));
const available = await Promise.all(nodeBackends.map(async (b) => ({ backend: b, ok: (await b.probe()).available })));
afterAll(async () => {
  for (const b of nodeBackends) await b.close?.();
});

for (const { backend, ok } of available) {
  for (const loss of LOSSES) {
    describe.skipIf(!ok)(`${backend.name}, ${loss.name}: each class of bad value`, () => {
      let compiled: CompiledLoss;
      beforeAll(async () => {
        compiled = await backend.compile(loss.program());
      }, 120_000);
      afterAll(async () => {
        await compiled?.dispose();
      });

      it('the good feeds run', async () => {
        const out = await compiled.run(loss.feeds);
        expect(compiled.outputNames.every((n) => out[n] !== undefined)).toBe(true);
      }, 60_000);

      for (const bad of loss.bad) {
        it(`${bad.name}: ${bad.code} naming the place`, async () => {
          const e = await rejection(() => compiled.run(spoiled(loss.feeds, bad.spoil)));
          expect(LossGraphError.isInstance(e), String(e)).toBe(true);
          if (!LossGraphError.isInstance(e)) return;
          expect(e.code, e.message).toBe(bad.code);
          expect(e.details).toMatchObject(bad.details);
          expect(e.message).toContain(`'${String(bad.details.tensor)}'`);
        }, 60_000);
      }
    });
  }
}
