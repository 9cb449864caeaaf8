import type { BackendTraits } from './traits.js';

/**
 * tfjs backends whose tensors live in host memory (JS arrays, the wasm heap): reading a tensor there is
 * a synchronous copy, not a GPU round trip, so a lowering may compute on the host when tfjs ops are slow.
 */
export function onHostMemory(traits: BackendTraits): boolean {
  return traits.hostMemory;
}
