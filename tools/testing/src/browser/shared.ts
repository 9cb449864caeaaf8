import { BrowserHarness, type HarnessOptions } from './harness.js';

let shared: { harness: Promise<BrowserHarness>; users: number } | undefined;

export interface HarnessLease {
  readonly harness: Promise<BrowserHarness>;
  /** gives the lease back; the last one closes the browser and the server */
  release(): Promise<void>;
}

/**
 * One browser and one page per process, shared by every browser bench backend: the first lease starts
 * it, the last release closes it. A failed start is shared too (every lease sees the same reason).
 */
export function acquireHarness(options?: HarnessOptions): HarnessLease {
  shared ??= { harness: BrowserHarness.start(options), users: 0 };
  const mine = shared;
  mine.users++;
  let released = false;
  return {
    harness: mine.harness,
    async release() {
      if (released) return;
      released = true;
      if (--mine.users > 0) return;
      if (shared === mine) shared = undefined;
      const h = await mine.harness.catch(() => undefined);
      await h?.close();
    },
  };
}
