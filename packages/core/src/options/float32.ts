import { fail } from '../errors.js';

/** The smallest positive normal float32 (2^-126) and the largest finite one. */
const FLOAT32_MIN_NORMAL = 2 ** -126;
const FLOAT32_MAX = Math.fround(3.4028234663852886e38);

/**
 * Why `value` does not survive as a float32 (what float32 backends compute with), or undefined when it
 * does: it must round to a finite float32, and a non-zero value must stay a normal number (a subnormal
 * loses precision, and GPU backends flush it to zero).
 */
export function float32Problem(value: number): string | undefined {
  if (!Number.isFinite(value)) return 'is not finite';
  const a = Math.abs(value);
  if (a > FLOAT32_MAX) return `overflows float32 (largest finite float32: ${FLOAT32_MAX})`;
  if (a !== 0 && a < FLOAT32_MIN_NORMAL) {
    const rounded = Math.fround(value);
    return `is below the smallest normal float32 (${FLOAT32_MIN_NORMAL}): float32 backends would compute with ${rounded === 0 ? '0' : `${rounded}, or 0 where subnormals are flushed`}`;
  }
  return undefined;
}

/**
 * Options are validated for the precision they run in: fails with LossGraphError 'INVALID_OPTION'
 * naming `owner`'s option when one of its numbers does not survive float32 (see float32Problem).
 */
export function requireFloat32(owner: string, option: string, values: number | readonly number[]): void {
  for (const v of typeof values === 'number' ? [values] : values) {
    const problem = float32Problem(v);
    if (problem !== undefined)
      fail('INVALID_OPTION', `${owner} option '${option}': ${v} ${problem}`, { option, value: v });
  }
}
