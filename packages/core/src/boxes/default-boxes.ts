import { fail } from '../errors.js';
import { at } from '../ir/at.js';

/** An SSD default-box layout, as the `cfg` dict of the original's DBox class. */
export interface DefaultBoxConfig {
  readonly inputSize: number;
  readonly featureMaps: readonly number[];
  readonly steps: readonly number[];
  readonly minSizes: readonly number[];
  readonly maxSizes: readonly number[];
  readonly aspectRatios: readonly (readonly number[])[];
  /** clamp every (cx, cy, w, h) to [0, 1], as the original does. Default true. */
  readonly clip?: boolean;
}

export const SSD300: DefaultBoxConfig = {
  inputSize: 300,
  featureMaps: [38, 19, 10, 5, 3, 1],
  steps: [8, 16, 32, 64, 100, 300],
  minSizes: [30, 60, 111, 162, 213, 264],
  maxSizes: [60, 111, 162, 213, 264, 315],
  aspectRatios: [[2], [2, 3], [2, 3], [2, 3], [2], [2]],
};

export const SSD512: DefaultBoxConfig = {
  inputSize: 512,
  featureMaps: [64, 32, 16, 8, 4, 2, 1],
  steps: [8, 16, 32, 64, 128, 256, 512],
  minSizes: [35.84, 76.8, 153.6, 230.4, 307.2, 384.0, 460.8],
  maxSizes: [76.8, 153.6, 230.4, 307.2, 384.0, 460.8, 537.6],
  aspectRatios: [[2], [2, 3], [2, 3], [2, 3], [2, 3], [2], [2]],
};

/**
 * The default boxes (cx, cy, w, h) in the original's order: per feature map, per cell (row-major), the
 * small square, the large square, then a pair per aspect ratio. Computed in float64 and stored as float32,
 * exactly as `torch.Tensor(mean)` does. Returns [P*4] row-major; P = boxes.length / 4.
 */
export function defaultBoxes(cfg: DefaultBoxConfig): Float32Array {
  const n = cfg.featureMaps.length;
  if ([cfg.steps, cfg.minSizes, cfg.maxSizes, cfg.aspectRatios].some((a) => a.length !== n)) {
    fail(
      'INVALID_OPTION',
      'default boxes: featureMaps, steps, minSizes, maxSizes and aspectRatios must have the same length',
    );
  }
  const out: number[] = [];
  // the lists have the same length (checked above)
  cfg.featureMaps.forEach((f, k) => {
    const fk = cfg.inputSize / at(cfg.steps, k);
    const sk = at(cfg.minSizes, k) / cfg.inputSize;
    const skPrime = Math.sqrt(sk * (at(cfg.maxSizes, k) / cfg.inputSize));
    for (let i = 0; i < f; i++) {
      for (let j = 0; j < f; j++) {
        const cx = (j + 0.5) / fk;
        const cy = (i + 0.5) / fk;
        out.push(cx, cy, sk, sk, cx, cy, skPrime, skPrime);
        for (const ar of at(cfg.aspectRatios, k)) {
          const r = Math.sqrt(ar);
          out.push(cx, cy, sk * r, sk / r, cx, cy, sk / r, sk * r);
        }
      }
    }
  });
  const boxes = Float32Array.from(out);
  if (cfg.clip ?? true) for (const [i, v] of boxes.entries()) boxes[i] = Math.min(1, Math.max(0, v));
  return boxes;
}
