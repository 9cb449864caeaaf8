/**
 * Node entry of @lossgraph/onnxruntime-web (export condition `node`): the wasm execution provider, its
 * files loaded from the installed onnxruntime-web package.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { webBackend } from './compile.js';
import type { Platform } from './runtime.js';

export type { ExecutionProvider, GraphOptimizationLevel, OnnxRuntimeWebOptions, WasmPaths } from './options.js';

/** onnxruntime-web's dist folder as a file URL ending in '/', where its .wasm and .mjs files are. */
export function ortDistUrl(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-web');
  return `${pathToFileURL(dirname(entry)).href}/`;
}

const NODE: Platform = {
  // onnxruntime-web's Node build has the wasm EP only; webgpu fails in openSession with its reason
  load: () => import('onnxruntime-web'),
  defaultWasmPaths: ortDistUrl,
  // Node runs wasm threads as worker_threads: no isolation headers needed
  defaultNumThreads: () => Math.max(1, Math.min(4, availableParallelism())),
};

/** See the browser entry: same API; in Node only the wasm execution provider can start. */
export const compile = webBackend(NODE);
