/**
 * What the lowerings need to know about the tfjs backend a graph was compiled for, resolved once per
 * compile (never from `tf.getBackend()` inside a lowering: another loss may have switched tfjs's
 * active backend in between).
 */
export interface BackendTraits {
  /** the tfjs backend name, e.g. 'cpu', 'wasm', 'webgl' */
  readonly name: string;
  /** tensors live in host memory (JS arrays, the wasm heap): reading one is a copy, not a GPU round trip */
  readonly hostMemory: boolean;
  /** kernels broadcast fast only when the smaller operand is a suffix of the output (see broadcast.ts) */
  readonly slowBroadcast: boolean;
  /** tfjs-backend-wasm (XNNPACK kernels, scalar Exp and Max) */
  readonly wasm: boolean;
  /**
   * lowerings can read a tensor's values synchronously (`dataSync`): every backend but webgpu, whose
   * GPU-resident tensors only read asynchronously (ops whose output size depends on data need it)
   */
  readonly readsSynchronously: boolean;
}

const HOST_MEMORY = new Set(['cpu', 'wasm']);

export function traitsOf(name: string): BackendTraits {
  return {
    name,
    hostMemory: HOST_MEMORY.has(name),
    slowBroadcast: HOST_MEMORY.has(name),
    wasm: name === 'wasm',
    readsSynchronously: name !== 'webgpu',
  };
}
