import type { TruthRow } from '@lossgraph/core';

/** Fills `out` with N(mean, sd²) draws (Box-Muller, two per pair of uniforms from `random`). */
export function fillNormal(out: Float32Array, mean: number, sd: number, random: () => number): Float32Array {
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - random())) * sd;
    const theta = 2 * Math.PI * random();
    out[i] = mean + r * Math.cos(theta);
    if (i + 1 < out.length) out[i + 1] = mean + r * Math.sin(theta);
  }
  return out;
}

/** One image's truths: 2-4 boxes with sides in [imageSize/16, imageSize/2] pixels inside the image, labels in [0, C-1]. */
export function randomTruths(classes: number, imageSize: number, random: () => number): TruthRow[] {
  const count = 2 + Math.floor(random() * 3);
  const rows: TruthRow[] = [];
  for (let k = 0; k < count; k++) {
    const side = () => imageSize * (1 / 16 + random() * (1 / 2 - 1 / 16));
    const w = side();
    const h = side();
    const x0 = random() * (imageSize - w);
    const y0 = random() * (imageSize - h);
    rows.push([x0, y0, x0 + w, y0 + h, Math.floor(random() * classes)]);
  }
  return rows;
}
