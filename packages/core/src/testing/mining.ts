import type { Feeds } from '../backend/contract.js';
import { feed } from '../backend/feed.js';

/**
 * Per image, in float64: the number of positives (label > 0) and the cross entropies of the negatives
 * (label 0), largest first. Tests use it to keep random cases away from the hard-negative cut, where
 * float32 and float64 may rank boxes differently and finite differences jump.
 */
export function negativeLosses(feeds: Feeds, labels: ArrayLike<number>): { numPos: number; losses: number[] }[] {
  const { shape, data: conf } = feed(feeds, 'conf_data');
  const [B = 0, P = 0, C = 0] = shape;
  return Array.from({ length: B }, (_, b) => {
    let numPos = 0;
    const losses: number[] = [];
    for (let p = 0; p < P; p++) {
      if ((labels[b * P + p] ?? 0) > 0) {
        numPos++;
        continue;
      }
      const row = Array.from(conf.subarray((b * P + p) * C, (b * P + p + 1) * C));
      const [background = NaN] = row;
      const max = Math.max(...row);
      losses.push(max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) - background);
    }
    return { numPos, losses: losses.sort((x, y) => y - x) };
  });
}
