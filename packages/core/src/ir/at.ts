import { fail } from '../errors.js';

/**
 * `xs[i]` where the caller has established that `i` is in range (a loop over the array, an index a rule
 * checked): one check here, failing loudly on a broken invariant, instead of an unchecked `!` at each use.
 * For plain arrays outside hot loops; kernels read their typed arrays directly.
 */
export function at<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) fail('INVALID_GRAPH', `index ${i} out of range [0, ${xs.length})`);
  return x;
}

/** The first element of an array known to be non-empty (an op's first output, a list checked non-empty). */
export function first<T>(xs: readonly T[]): T {
  return at(xs, 0);
}

/** `xs` as a non-empty tuple type, failing when it is empty (`what` names it in the message). */
export function nonEmpty<T>(xs: readonly T[], what: string): readonly [T, ...T[]] {
  const [head, ...rest] = xs;
  if (head === undefined) fail('INVALID_GRAPH', `${what}: none`);
  return [head, ...rest];
}
