import { compileWithFastPath } from '@lossgraph/core';
import type { Availability, BenchBackend } from '../backends/types.js';
import type { PageRuntime } from './protocol.js';
import { acquireHarness, type HarnessLease } from './shared.js';

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A bench backend that runs in headless Chromium (the shared harness) with one page runtime. */
export function browserBackend(name: string, runtime: PageRuntime, notes?: string): BenchBackend {
  let lease: HarnessLease | undefined;
  const harness = () => (lease ??= acquireHarness()).harness;
  return {
    name,
    ...(notes === undefined ? {} : { notes }),
    async probe(): Promise<Availability> {
      try {
        const found = await (await harness()).probe(runtime);
        return found.available ? { available: true } : { available: false, reason: found.reason ?? 'unavailable' };
      } catch (error) {
        return { available: false, reason: message(error) };
      }
    },
    async compile(program) {
      // the page compiles plain graphs; a program's fast path (and its exact fallback) runs from here
      const h = await harness();
      return program.fastPath === undefined ? h.compile(runtime, program) : compileWithFastPath(program, (p) => h.compile(runtime, p));
    },
    async close() {
      const l = lease;
      lease = undefined;
      await l?.release();
    },
  };
}
