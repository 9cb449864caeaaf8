import type { CompiledLoss, CompileOptions, LossProgram } from '@lossgraph/core';

export type Availability = { readonly available: true } | { readonly available: false; readonly reason: string };

/**
 * A backend as the bench sees it. `name` is a stable string used on the command line and in reports.
 * `probe` says whether it can run here (and why not); `compile` gives a CompiledLoss, with the core
 * options (`validate`, `timeouts`) passed on and the backend's own fixed; `close` frees
 * shared resources (a browser, a runtime) once the run is over.
 */
export interface BenchBackend {
  readonly name: string;
  /** what a reader of the report should know (precision limits, software rendering, ...) */
  readonly notes?: string;
  probe(): Promise<Availability>;
  compile(program: LossProgram, options?: CompileOptions): Promise<CompiledLoss>;
  close?(): Promise<void>;
}
