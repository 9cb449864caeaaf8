import { UsageError } from '../args.js';

/** An integer flag value >= min, or a UsageError naming the flag. */
export function positiveInt(name: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${value}'`);
  return n;
}
