import { type CompiledLoss, type CompileOptions, defineBackend, type Feeds } from '@lossgraph/core';
import type { Availability, BenchBackend } from '../backends/types.js';
import type { PageCompiledLoss } from './harness.js';
import type { PageRuntime, PageTimes } from './protocol.js';
import { acquireHarness, type HarnessLease } from './shared.js';

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether a compiled loss runs in the page and can time runs there (see `bench perf`). */
export function isPageLoss(compiled: CompiledLoss): compiled is CompiledLoss & Pick<PageCompiledLoss, 'timeInPage'> {
  return typeof (compiled as Partial<PageCompiledLoss>).timeInPage === 'function';
}

/**
 * A bench backend that runs in headless Chromium (the shared harness) with one page runtime. Node wraps
 * it like any backend (core's defineBackend: option checks, feed checks, timeouts); the page
 * compiles and runs plain graphs.
 */
export function browserBackend(name: string, runtime: PageRuntime, notes?: string): BenchBackend {
  let lease: HarnessLease | undefined;
  const harness = () => {
    lease ??= acquireHarness();
    return lease.harness;
  };
  // `timeInPage` rides along as an extra member: `bench perf` times browser rows inside the page with it
  const compile = defineBackend<
    CompileOptions,
    object,
    { timeInPage(feeds: Feeds, repeats: number): Promise<PageTimes> }
  >({
    name,
    options: {},
    async compileGraph(graph, _options, context) {
      // checked here in Node already: the page skips its own value scans
      const loss = await (await harness()).compile(runtime, { graph }, { validate: false });
      const timeInPage = (feeds: Feeds, repeats: number) => {
        context.assertLive();
        return loss.timeInPage(feeds, repeats);
      };
      return {
        backend: loss.backend,
        device: loss.device,
        run: (feeds, outputs) => loss.run(feeds, outputs),
        dispose: () => loss.dispose(),
        extra: { timeInPage },
        // the page is cross-origin isolated, so onnxruntime-web (both providers) runs wasm threads there: as
        // in the package, the value scans run even with validate: false (here in Node: the page compiles a
        // bare graph, which has none)
        ...(runtime.startsWith('ort-') ? { valueChecksRequired: 'onnxruntime-web runs wasm threads in the page' } : {}),
      };
    },
  });
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
    compile: (program, options) => compile(program, options),
    async close() {
      const l = lease;
      lease = undefined;
      await l?.release();
    },
  };
}
