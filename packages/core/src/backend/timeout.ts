import { LossGraphError } from '../errors.js';

export const DEFAULT_TIMEOUTS = { compile: 120_000, run: 300_000 } as const;

/**
 * `work`, or a LossGraphError 'TIMEOUT' when it has not settled within `ms` (Infinity: no limit). The
 * work itself cannot be stopped; `onLate` receives its result if it arrives after the deadline (so that
 * a late session can be released).
 */
export function withTimeout<T>(
  work: Promise<T>,
  ms: number,
  describe: () => string,
  details: Record<string, unknown>,
  onLate?: (value: T) => void,
): Promise<T> {
  if (ms === Infinity) return work;
  return new Promise<T>((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new LossGraphError('TIMEOUT', describe(), { ...details, timeoutMs: ms }));
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        if (late) onLate?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!late) reject(error);
      },
    );
  });
}
