/**
 * @lossgraph/onnxruntime-web: runs lossgraph graphs (their forward and gradient parts, as one ONNX model)
 * on onnxruntime-web's wasm or webgpu execution provider. This is the browser entry (no Node imports);
 * Node resolves `./node.ts` through the `node` export condition.
 */
import { webBackend } from './compile.js';
import type { Platform } from './runtime.js';

export type { ExecutionProvider, GraphOptimizationLevel, OnnxRuntimeWebOptions, WasmPaths } from './options.js';

const BROWSER: Platform = {
  // One build per EP, each loaded on first use. webgpu uses ORT's native WebGPU EP (`onnxruntime-web/webgpu`),
  // not the default bundle's JSEP one: in 1.30 JSEP computes wrong numbers silently (README, "WebGPU").
  load: (ep) => (ep === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm')),
  // threads need SharedArrayBuffer, which browsers give only to cross-origin isolated pages
  defaultNumThreads: () =>
    globalThis.crossOriginIsolated === true
      ? Math.max(1, Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 1))
      : 1,
};

/**
 * Compiles a graph (or a LossProgram) to one onnxruntime-web session. The compiled loss reports the
 * execution provider that actually runs it as `device` ('wasm' or 'webgpu').
 */
export const compile = webBackend(BROWSER);
