import type { Feeds } from '../backend/contract.js';

/**
 * Per image, in float64: the number of positives (label > 0) and the cross entropies of the negatives
 * (label 0), largest first. Tests use it to keep random cases away from the hard-negative cut, where
 * float32 and float64 may rank boxes differently and finite differences jump.
 */
export function negativeLosses(feeds: Feeds, labels: ArrayLike<number>): { numPos: number; losses: number[] }[] {
  const [B, P, C] = feeds.conf_data!.shape as [number, number, number];
  const conf = feeds.conf_data!.data;
  return Array.from({ length: B }, (_, b) => {
    let numPos = 0;
    const losses: number[] = [];
    for (let p = 0; p < P; p++) {
      if (labels[b * P + p]! > 0) {
        numPos++;
        continue;
      }
      const row = Array.from(conf.subarray((b * P + p) * C, (b * P + p + 1) * C));
      const max = Math.max(...row);
      losses.push(max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) - row[0]!);
    }
    return { numPos, losses: losses.sort((x, y) => y - x) };
  });
}
