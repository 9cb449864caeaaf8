import { LossGraphError, type CompileOptions } from '@lossgraph/core';

/** The onnxruntime-web execution providers this backend drives. */
export type ExecutionProvider = 'wasm' | 'webgpu';

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

/** Where onnxruntime-web's .mjs/.wasm files are: a URL prefix ending in '/', or each file's URL. */
export type WasmPaths = string | { readonly mjs?: string | URL; readonly wasm?: string | URL };

export interface OnnxRuntimeWebOptions extends CompileOptions {
  /**
   * Execution providers in order of preference (default `['wasm']`). Each gets a session of its own: the
   * first that starts is used, and every provider skipped is warned about (onnxruntime-web itself
   * silently drops webgpu when a fallback is listed). `['webgpu']` alone fails when WebGPU cannot start.
   */
  readonly executionProviders?: readonly ExecutionProvider[];
  /**
   * wasm threads (`ort.env.wasm.numThreads`). Default: in the browser, up to 4 when the page is
   * cross-origin isolated (COOP/COEP headers), else 1; in Node, up to 4 by available cores. onnxruntime-web
   * reads it once, when its wasm module starts: later compiles cannot change it (a warning says so).
   */
  readonly numThreads?: number;
  /** ONNX Runtime graph optimisation level (default 'all'). */
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
  /**
   * Where the runtime's .mjs/.wasm files are served (`ort.env.wasm.wasmPaths` of the build that runs the
   * EP). Default: the bundler's asset URL in the browser, the installed package in Node. Read once, before
   * the first session of that build.
   */
  readonly wasmPaths?: WasmPaths;
}

const PROVIDERS: readonly ExecutionProvider[] = ['wasm', 'webgpu'];
const LEVELS: readonly GraphOptimizationLevel[] = ['disabled', 'basic', 'extended', 'all'];

export interface ResolvedOptions {
  readonly executionProviders: readonly ExecutionProvider[];
  readonly numThreads: number | undefined;
  readonly graphOptimizationLevel: GraphOptimizationLevel;
  readonly wasmPaths: WasmPaths | undefined;
  readonly validate: boolean;
}

function invalid(message: string, details: Record<string, unknown>): never {
  throw new LossGraphError('INVALID_OPTION', message, details);
}

/** Checks the options and fills in the defaults; bad values are LossGraphError 'INVALID_OPTION'. */
export function resolveOptions(options: OnnxRuntimeWebOptions): ResolvedOptions {
  const eps = options.executionProviders ?? ['wasm'];
  if (eps.length === 0) invalid('executionProviders is empty: name at least one of wasm, webgpu', { option: 'executionProviders' });
  for (const ep of eps) {
    if (!PROVIDERS.includes(ep)) {
      invalid(`unknown execution provider '${String(ep)}' (onnxruntime-web backend knows: ${PROVIDERS.join(', ')})`, { option: 'executionProviders', value: ep });
    }
  }
  if (new Set(eps).size !== eps.length) invalid(`executionProviders lists a provider twice: [${eps.join(', ')}]`, { option: 'executionProviders' });
  const n = options.numThreads;
  if (n !== undefined && !(Number.isInteger(n) && n >= 1)) invalid(`numThreads must be a positive integer, got ${n}`, { option: 'numThreads', value: n });
  const level = options.graphOptimizationLevel ?? 'all';
  if (!LEVELS.includes(level)) {
    invalid(`graphOptimizationLevel must be one of ${LEVELS.join(', ')}, got '${String(level)}'`, { option: 'graphOptimizationLevel', value: level });
  }
  return { executionProviders: eps, numThreads: n, graphOptimizationLevel: level, wasmPaths: options.wasmPaths, validate: options.validate ?? true };
}
