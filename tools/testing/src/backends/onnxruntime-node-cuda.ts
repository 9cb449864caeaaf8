import type { CudaProviderStatus } from '@lossgraph/onnxruntime-node';
import type { BenchBackend } from './types.js';

const runtime = () => import('@lossgraph/onnxruntime-node');

/**
 * onnxruntime-node on the CUDA execution provider, with no CPU fallback: on a machine without an NVIDIA
 * GPU or without the CUDA provider library it is reported unavailable, with the reason.
 */
export const onnxruntimeNodeCudaBackend: BenchBackend = {
  name: 'onnxruntime-node-cuda',
  probe: async () => {
    let status: CudaProviderStatus;
    try {
      status = (await runtime()).cudaProviderStatus();
    } catch (error) {
      return {
        available: false as const,
        reason: `@lossgraph/onnxruntime-node did not load: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    return status.available ? { available: true as const } : { available: false as const, reason: status.reason };
  },
  compile: async (program, options) => (await runtime()).compile(program, { ...options, executionProviders: ['cuda'] }),
};
