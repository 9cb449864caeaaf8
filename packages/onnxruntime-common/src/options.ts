import { type CompileOptions, type OptionRules, optionRules } from '@lossgraph/core';

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';
export const GRAPH_OPTIMIZATION_LEVELS: readonly GraphOptimizationLevel[] = ['disabled', 'basic', 'extended', 'all'];

/** The options every ONNX Runtime backend takes (besides core's `validate` and `timeouts`). */
export interface OrtCompileOptions<EP extends string> extends CompileOptions {
  /**
   * Execution providers in order of preference. Each gets a session of its own, with exactly that one
   * provider: the first that starts is used, every one skipped is warned about, and when none starts one
   * error lists each with its reason. `device` says which one runs.
   */
  readonly executionProviders?: readonly EP[];
  /** ONNX Runtime's graph optimisations (default 'all') */
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
}

/** The shared options, resolved. */
export interface OrtResolved<EP extends string> {
  readonly executionProviders: readonly EP[];
  readonly graphOptimizationLevel: GraphOptimizationLevel;
}

export function ortOptionRules<EP extends string>(
  providers: readonly EP[],
  defaultProviders: readonly EP[],
): OptionRules<OrtResolved<EP>> {
  return {
    executionProviders: optionRules.preferenceList(providers, defaultProviders),
    graphOptimizationLevel: optionRules.oneOf(GRAPH_OPTIMIZATION_LEVELS, 'all'),
  };
}
