import {
  compileReference,
  RETINANET_PERF_SHAPE,
  retinanetLossProgram,
  retinanetPerfAnchors,
  syntheticRetinanetFeeds,
} from '@lossgraph/core';
import { describe, expect, it } from 'vitest';

describe('the synthetic RetinaNet timing problem', () => {
  it('has 9 anchors per location of the 5-level pyramid: 49104 on 512 x 512', () => {
    expect(retinanetPerfAnchors().length / 4).toBe(9 * (64 ** 2 + 32 ** 2 + 16 ** 2 + 8 ** 2 + 4 ** 2));
    const feeds = syntheticRetinanetFeeds(RETINANET_PERF_SHAPE);
    expect(feeds.cls_logits!.shape).toEqual([8, 49104, 80]);
    expect(feeds.bbox_regression!.shape).toEqual([8, 49104, 4]);
  });

  it('is deterministic, valid, and gives every image foreground anchors (small image, reference backend)', async () => {
    const shape = { batch: 2, classes: 5, imageSize: 128 };
    const a = syntheticRetinanetFeeds(shape, 3);
    expect(Array.from(syntheticRetinanetFeeds(shape, 3).cls_logits!.data)).toEqual(Array.from(a.cls_logits!.data));
    const out = await compileReference(retinanetLossProgram({ outputs: ['num_foreground'] })).run(a);
    expect(Number.isFinite(out.loss_cls!.data[0]!) && Number.isFinite(out.loss_box!.data[0]!)).toBe(true);
    expect(Array.from(out.num_foreground!.data).every((n) => n > 0)).toBe(true);
  });
});
