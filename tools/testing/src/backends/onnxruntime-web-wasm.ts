import type { BenchBackend } from './types.js';

// imported on first use, so that a missing onnxruntime-web only makes this backend unavailable
const runtime = () => import('@lossgraph/onnxruntime-web');

/** onnxruntime-web's wasm execution provider in Node (no browser); its threads are worker_threads. */
export const onnxruntimeWebWasmBackend: BenchBackend = {
  name: 'onnxruntime-web-wasm',
  probe: () =>
    runtime().then(
      () => ({ available: true as const }),
      (error: unknown) => ({
        available: false as const,
        reason: `@lossgraph/onnxruntime-web did not load: ${error instanceof Error ? error.message : String(error)}`,
      }),
    ),
  compile: async (program, options) => (await runtime()).compile(program, { ...options, executionProviders: ['wasm'] }),
};
