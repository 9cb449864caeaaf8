import { LossGraphError } from '@lossgraph/core';

/**
 * The ONNX Runtime execution provider a model is emitted for. 'webgpu' (onnxruntime-web's native WebGPU
 * provider) swaps the nodes that provider has no kernel for (LogSoftmax, Or, NonZero, int32 GatherElements
 * data, int64 arithmetic...) for equivalents it runs, so that no node falls back to the CPU; the others
 * get the default graph, tuned for onnxruntime's CPU kernels.
 */
export type OnnxProvider = 'cpu' | 'cuda' | 'wasm' | 'webgpu';
export const ONNX_PROVIDERS: readonly OnnxProvider[] = ['cpu', 'cuda', 'wasm', 'webgpu'];

export function checkProvider(provider: unknown): void {
  if (provider !== undefined && !ONNX_PROVIDERS.includes(provider as OnnxProvider)) {
    throw new LossGraphError(
      'INVALID_OPTION',
      `ONNX target provider ${JSON.stringify(provider)} is not one of ${ONNX_PROVIDERS.join(', ')}`,
      { option: 'provider' },
    );
  }
}
