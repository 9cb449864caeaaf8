import { fail } from '../errors.js';
import { at } from '../ir/at.js';

/** An anchor layout: torchvision's AnchorGenerator on a square image and square feature maps. */
export interface AnchorGridConfig {
  /** image side in pixels */
  readonly imageSize: number;
  /** side of each level's feature map; the level's stride is imageSize / featureSize, rounded down */
  readonly featureSizes: readonly number[];
  /** anchor sizes (square roots of the area, in pixels) per level */
  readonly sizes: readonly (readonly number[])[];
  /** aspect ratios h / w, the same on every level. Default [0.5, 1, 2]. */
  readonly aspectRatios?: readonly number[];
}

/** torch.round: halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** One level's anchors centred on the origin, as AnchorGenerator.generate_anchors computes them (float32, then rounded). */
function cellAnchors(sizes: readonly number[], ratios: readonly number[]): [number, number, number, number][] {
  const f = Math.fround;
  const out: [number, number, number, number][] = [];
  for (const ratio of ratios) {
    const h = f(Math.sqrt(f(ratio)));
    const w = f(1 / h);
    for (const size of sizes) {
      const ws = f(w * f(size));
      const hs = f(h * f(size));
      out.push([roundHalfEven(-ws / 2), roundHalfEven(-hs / 2), roundHalfEven(ws / 2), roundHalfEven(hs / 2)]);
    }
  }
  return out;
}

/**
 * Anchors (x1, y1, x2, y2) in pixels, [A * 4] flat, in torchvision's AnchorGenerator order: level by
 * level, rows then columns of the feature map, then the level's cell anchors (ratio-major, then size).
 * A loss's own anchor sizes live in its folder under losses/ (e.g. its timing problem's anchors).
 */
export function anchorGrid(config: AnchorGridConfig): Float32Array {
  const { imageSize, featureSizes, sizes } = config;
  const ratios = config.aspectRatios ?? [0.5, 1, 2];
  if (featureSizes.length !== sizes.length)
    fail('INVALID_OPTION', `anchorGrid: ${featureSizes.length} feature maps but ${sizes.length} lists of sizes`, {
      option: 'sizes',
    });
  const out: number[] = [];
  featureSizes.forEach((side, level) => {
    if (!(Number.isInteger(side) && side >= 1 && side <= imageSize))
      fail('INVALID_OPTION', `anchorGrid: feature size ${side} must be an integer in [1, ${imageSize}]`, {
        option: 'featureSizes',
      });
    const stride = Math.floor(imageSize / side);
    const cell = cellAnchors(at(sizes, level), ratios); // one list of sizes per level (checked above)
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        for (const [x1, y1, x2, y2] of cell)
          out.push(x * stride + x1, y * stride + y1, x * stride + x2, y * stride + y2);
      }
    }
  });
  return Float32Array.from(out);
}
