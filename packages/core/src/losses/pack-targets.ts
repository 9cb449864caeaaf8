import type { HostTensor } from '../backend/contract.js';
import { fail } from '../errors.js';

/** One truth: [xmin, ymin, xmax, ymax, label_ind] with label_ind 0-based over object classes. */
export type TruthRow = readonly [number, number, number, number, number];

/**
 * Packs ragged per-image truth lists into the padded `targets` [B, M, 5] (zero rows past each image's
 * count) and `num_objs` [B]. M defaults to the longest list (at least 1, so shapes stay non-empty).
 */
export function packTargets(
  perImage: readonly (readonly TruthRow[])[],
  m?: number,
): { targets: HostTensor; num_objs: HostTensor } {
  const longest = Math.max(0, ...perImage.map((rows) => rows.length));
  const M = m ?? Math.max(1, longest);
  if (longest > M) fail('INVALID_OPTION', `packTargets: an image has ${longest} truths, more than M = ${M}`);
  const data = new Float32Array(perImage.length * M * 5);
  const counts = new Int32Array(perImage.length);
  perImage.forEach((rows, b) => {
    counts[b] = rows.length;
    rows.forEach((row, r) => {
      if (row.length !== 5)
        fail('SHAPE_MISMATCH', `packTargets: image ${b} row ${r} has ${row.length} values, expected 5`);
      data.set(row, (b * M + r) * 5);
    });
  });
  return {
    targets: { dtype: 'float32', shape: [perImage.length, M, 5], data },
    num_objs: { dtype: 'int32', shape: [perImage.length], data: counts },
  };
}
