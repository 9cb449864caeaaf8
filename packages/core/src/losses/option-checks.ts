import { fail } from '../errors.js';

/** Smallest positive normal float32: below it a value flushes to zero on some GPUs or rounds away. */
const FLOAT32_MIN_NORMAL = 2 ** -126;
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Refuses (INVALID_OPTION naming the option) a number that does not survive the trip to float32, where
 * every backend computes: infinite, NaN, beyond float32's range, or nonzero but below its smallest
 * normal value (e.g. an alpha of 1e-46 would silently become 0). Meant to be replaced by the shared
 * option helper of the backend layer when that lands.
 */
export function requireFloat32(loss: string, option: string, value: number): void {
  const a = Math.abs(value);
  if (!Number.isFinite(value) || a > FLOAT32_MAX || (a !== 0 && a < FLOAT32_MIN_NORMAL)) {
    fail('INVALID_OPTION', `${loss} option '${option}' must be representable as a float32 (0 or magnitude in [2^-126, 3.4e38]), got ${value}`, { option });
  }
}
