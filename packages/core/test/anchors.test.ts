import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anchorGrid, parseSafetensors, retinanetAnchorSizes } from '../src/index.js';

describe("anchorGrid equals torchvision's AnchorGenerator (values written by tools/reference)", () => {
  it("RetinaNet's 5 levels on a 128 x 128 image (3069 anchors, half-way roundings included)", () => {
    const want = parseSafetensors(
      readFileSync(new URL('./data/anchors_retinanet_128.safetensors', import.meta.url)),
      'anchors',
    ).tensors.get('anchors')!;
    const got = anchorGrid({
      imageSize: 128,
      featureSizes: [16, 8, 4, 2, 1],
      sizes: retinanetAnchorSizes([32, 64, 128, 256, 512]),
    });
    expect(want.shape).toEqual([3069, 4]);
    expect(Array.from(got)).toEqual(Array.from(want.data as Float32Array));
  });
  it('refuses a feature map per level that does not match the sizes', () => {
    expect(() => anchorGrid({ imageSize: 64, featureSizes: [8], sizes: [[32], [64]] })).toThrow(
      /1 feature maps but 2 lists of sizes/,
    );
  });
});
