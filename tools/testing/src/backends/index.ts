import { browserOnnxruntimeWebWasmBackend } from './browser-onnxruntime-web-wasm.js';
import { browserOnnxruntimeWebWebgpuBackend } from './browser-onnxruntime-web-webgpu.js';
import { browserTfjsWebglBackend } from './browser-tfjs-webgl.js';
import { onnxruntimeNodeCpuBackend } from './onnxruntime-node-cpu.js';
import { onnxruntimeNodeCudaBackend } from './onnxruntime-node-cuda.js';
import { onnxruntimeWebWasmBackend } from './onnxruntime-web-wasm.js';
import { referenceBackend } from './reference.js';
import { tfjsCpuBackend } from './tfjs-cpu.js';
import { tfjsWasmBackend } from './tfjs-wasm.js';
import type { BenchBackend } from './types.js';

/**
 * Every backend the bench knows, in report order. Each entry is created lazily so that a missing
 * optional runtime only makes its own backend unavailable.
 */
export const BACKENDS: readonly (() => BenchBackend)[] = [
  () => referenceBackend,
  () => onnxruntimeNodeCpuBackend,
  () => onnxruntimeNodeCudaBackend,
  () => onnxruntimeWebWasmBackend,
  () => tfjsCpuBackend,
  () => tfjsWasmBackend,
  browserOnnxruntimeWebWasmBackend,
  browserOnnxruntimeWebWebgpuBackend,
  browserTfjsWebglBackend,
];

export function allBackends(): BenchBackend[] {
  return BACKENDS.map((make) => make());
}
