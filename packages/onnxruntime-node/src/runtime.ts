import { LossGraphError } from '@lossgraph/core';

export type Ort = typeof import('onnxruntime-node');

let loaded: Promise<Ort> | undefined;

/** onnxruntime-node, loaded on first use (a peer dependency: a missing install is a clear error, not a crash at import). */
export function loadOrt(): Promise<Ort> {
  loaded ??= import('onnxruntime-node').catch((cause: unknown) => {
    loaded = undefined;
    throw new LossGraphError(
      'BACKEND_UNAVAILABLE',
      `onnxruntime-node could not be loaded (${(cause as Error).message}); install it next to @lossgraph/onnxruntime-node: npm install onnxruntime-node@1.30.0`,
      {},
      { cause },
    );
  });
  return loaded;
}
