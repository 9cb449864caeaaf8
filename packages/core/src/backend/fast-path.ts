import type { CompiledLoss, LossProgram, Outputs } from './contract.js';

export type CompileOne = (program: LossProgram) => CompiledLoss | Promise<CompiledLoss>;

/** How often each program of a fast-path pair ran. */
export interface FastPathStats {
  fast: number;
  exact: number;
}

/**
 * Compiles a program with any backend's `compileOne` and, when the program has a fast path, tries that
 * first on every run: its result is returned when it applies and stands, else the exact program runs on
 * the same feeds. Either way the caller gets the exact program's results. The fast program is compiled on
 * its first use.
 */
export async function compileWithFastPath(program: LossProgram, compileOne: CompileOne): Promise<CompiledLoss & { readonly stats: FastPathStats }> {
  const { fastPath, ...exactProgram } = program;
  const exact = await compileOne(exactProgram);
  const stats: FastPathStats = { fast: 0, exact: 0 };
  let fast: Promise<CompiledLoss> | undefined;
  const getFast = () => (fast ??= Promise.resolve(compileOne(fastPath!.program)));
  const runExact = async (feeds: Parameters<CompiledLoss['run']>[0], outputs?: readonly string[]) => {
    const out = await exact.run(feeds, outputs);
    stats.exact++;
    return out;
  };
  return {
    backend: exact.backend,
    device: exact.device,
    outputNames: exact.outputNames,
    stats,
    async run(feeds, outputs) {
      if (fastPath === undefined || !fastPath.applies(feeds)) return runExact(feeds, outputs);
      const wanted = outputs === undefined ? undefined : [...outputs, ...fastPath.flags];
      const out: Outputs = await (await getFast()).run(feeds, wanted);
      if (!fastPath.accept(out)) return runExact(feeds, outputs);
      for (const flag of fastPath.flags) delete out[flag];
      stats.fast++;
      return out;
    },
    async dispose() {
      await exact.dispose();
      if (fast !== undefined) await (await fast).dispose();
    },
  };
}
