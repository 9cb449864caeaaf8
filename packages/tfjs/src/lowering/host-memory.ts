import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs backends whose tensors live in host memory (JS arrays, the wasm heap): reading a tensor there is
 * a synchronous copy, not a GPU round trip, so a lowering may compute on the host when tfjs ops are slow.
 */
const HOST_MEMORY = new Set(['cpu', 'wasm']);

export function onHostMemory(): boolean {
  return HOST_MEMORY.has(tf.getBackend());
}

/** tfjs-backend-wasm: vectorised (XNNPACK) kernels that beat a JavaScript loop over the same elements. */
export function onWasmKernels(): boolean {
  return tf.getBackend() === 'wasm';
}

/**
 * Whether lowerings can read a tensor's values synchronously (`dataSync`): every backend but webgpu, whose
 * GPU-resident tensors only read asynchronously. Ops whose output size depends on data (a tensor k) or
 * that fall back to host loops need it.
 */
export function readsSynchronously(): boolean {
  return tf.getBackend() !== 'webgpu';
}
