import { at } from '../ir/at.js';
/**
 * Edit distance between two short names (Levenshtein, case-insensitive). Option names are a few dozen
 * characters, so a two-row dynamic programme is enough; core keeps no runtime dependency for it.
 */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  // prev[j]: the distance between the first i - 1 characters of x and the first j of y
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(at(prev, j) + 1, at(cur, j - 1) + 1, at(prev, j - 1) + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return at(prev, y.length);
}

/** The candidate closest to `name` (the first of equally close ones), or undefined when there is none. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}
