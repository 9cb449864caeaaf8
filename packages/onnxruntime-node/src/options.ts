import { LossGraphError, type CompileOptions } from '@lossgraph/core';

/** Execution providers this package drives. `cuda` needs the CUDA provider installed (see the README). */
export type ExecutionProvider = 'cpu' | 'cuda';

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

/** Options of `compile`: onnxruntime's own choices, plus the input checks of the backend contract. */
export interface OnnxRuntimeNodeOptions extends CompileOptions {
  /**
   * Providers in order of preference (default `['cpu']`). `['cuda', 'cpu']` uses CUDA and falls back to
   * the CPU with a warning when the CUDA provider cannot load; `['cuda']` alone fails instead
   * (LossGraphError 'BACKEND_UNAVAILABLE').
   */
  readonly executionProviders?: readonly ExecutionProvider[];
  /** threads inside one operator (default: onnxruntime's, one per physical core) */
  readonly intraOpNumThreads?: number;
  /** onnxruntime's graph optimisations (default 'all') */
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
}

export interface ResolvedOptions {
  readonly executionProviders: readonly ExecutionProvider[];
  readonly intraOpNumThreads: number | undefined;
  readonly graphOptimizationLevel: GraphOptimizationLevel;
  readonly validate: boolean;
}

const PROVIDERS: readonly ExecutionProvider[] = ['cpu', 'cuda'];
const LEVELS: readonly GraphOptimizationLevel[] = ['disabled', 'basic', 'extended', 'all'];

function invalid(option: string, message: string): never {
  throw new LossGraphError('INVALID_OPTION', `onnxruntime-node: ${message}`, { option });
}

/** Fills in defaults and rejects bad values with LossGraphError 'INVALID_OPTION'. */
export function resolveOptions(options: OnnxRuntimeNodeOptions = {}): ResolvedOptions {
  const eps = options.executionProviders ?? ['cpu'];
  if (!Array.isArray(eps) || eps.length === 0) invalid('executionProviders', 'executionProviders must list at least one provider');
  for (const ep of eps) {
    if (!PROVIDERS.includes(ep)) invalid('executionProviders', `unknown execution provider '${ep}' (known: ${PROVIDERS.join(', ')})`);
  }
  if (new Set(eps).size !== eps.length) invalid('executionProviders', `execution provider listed twice in [${eps.join(', ')}]`);
  const threads = options.intraOpNumThreads;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) invalid('intraOpNumThreads', `intraOpNumThreads must be an integer >= 1, got ${threads}`);
  const level = options.graphOptimizationLevel ?? 'all';
  if (!LEVELS.includes(level)) invalid('graphOptimizationLevel', `graphOptimizationLevel must be one of ${LEVELS.join(', ')}, got ${String(level)}`);
  return { executionProviders: eps, intraOpNumThreads: threads, graphOptimizationLevel: level, validate: options.validate ?? true };
}
