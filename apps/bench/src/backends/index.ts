import { referenceBackend } from './reference.js';
import type { BenchBackend } from './types.js';

/**
 * Every backend the bench knows, in report order. Each entry is created lazily so that a missing
 * optional runtime only makes its own backend unavailable.
 */
export const BACKENDS: readonly (() => BenchBackend)[] = [() => referenceBackend];

export function allBackends(): BenchBackend[] {
  return BACKENDS.map((make) => make());
}
