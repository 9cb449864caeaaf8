import { type CoreOptions, optionRules } from '@lossgraph/core';
import type { OrtCompileOptions, OrtResolved } from '@lossgraph/onnxruntime-common';

export type { GraphOptimizationLevel } from '@lossgraph/onnxruntime-common';

/** The onnxruntime-web execution providers this backend drives. */
export type ExecutionProvider = 'wasm' | 'webgpu';
export const PROVIDERS: readonly ExecutionProvider[] = ['wasm', 'webgpu'];

/** Where onnxruntime-web's .mjs/.wasm files are: a URL prefix ending in '/', or each file's URL. */
export type WasmPaths = string | { readonly mjs?: string | URL; readonly wasm?: string | URL };

export interface OnnxRuntimeWebOptions extends OrtCompileOptions<ExecutionProvider> {
  /**
   * wasm threads (`ort.env.wasm.numThreads`). Default: in the browser, up to 4 when the page is
   * cross-origin isolated (COOP/COEP headers), else 1; in Node, up to 4 by available cores. onnxruntime-web
   * reads it once, when its wasm module starts: later compiles cannot change it (a warning says so).
   */
  readonly numThreads?: number;
  /**
   * Where the runtime's .mjs/.wasm files are served (`ort.env.wasm.wasmPaths` of the build that runs the
   * EP). Default: the bundler's asset URL in the browser, the installed package in Node. Read once, before
   * the first session of that build.
   */
  readonly wasmPaths?: WasmPaths;
}

export interface WebOptions {
  readonly numThreads: number | undefined;
  readonly wasmPaths: WasmPaths | undefined;
}

export type ResolvedOptions = OrtResolved<ExecutionProvider> & WebOptions & CoreOptions;

const isWasmPaths = (v: unknown) =>
  typeof v === 'string' ||
  (typeof v === 'object' && v !== null && Object.keys(v).every((k) => k === 'mjs' || k === 'wasm'));

export const WEB_OPTION_RULES = {
  numThreads: optionRules.integer(1),
  wasmPaths: optionRules.passThrough<WasmPaths>(isWasmPaths, "a URL prefix ending in '/', or { mjs?, wasm? } URLs"),
};
