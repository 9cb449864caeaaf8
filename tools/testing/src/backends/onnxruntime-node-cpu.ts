import type { BenchBackend } from './types.js';

// imported on first use, so that a missing onnxruntime-node only makes this backend unavailable
const runtime = () => import('@lossgraph/onnxruntime-node');

/** onnxruntime-node on the CPU execution provider (ORT_ENABLE_ALL, onnxruntime's default thread count). */
export const onnxruntimeNodeCpuBackend: BenchBackend = {
  name: 'onnxruntime-node-cpu',
  probe: () =>
    runtime().then(
      () => ({ available: true as const }),
      (error: unknown) => ({
        available: false as const,
        reason: `@lossgraph/onnxruntime-node did not load: ${error instanceof Error ? error.message : String(error)}`,
      }),
    ),
  compile: async (program, options) => (await runtime()).compile(program, { ...options, executionProviders: ['cpu'] }),
};
