import type * as tf from '@tensorflow/tfjs-core';
import { fail } from '../errors.js';
import type { BackendTraits } from './traits.js';

/** The values of `t` on the host, for a lowering that needs them now; a clear error where the backend cannot. */
export function readNow(
  t: tf.Tensor,
  op: string,
  why: string,
  traits: BackendTraits,
): Float32Array | Int32Array | Uint8Array {
  if (!traits.readsSynchronously) {
    fail(
      'UNSUPPORTED_OP',
      `tfjs-${traits.name}: '${op}' needs ${why} synchronously, which this backend cannot read (use webgl)`,
      { op },
    );
  }
  return t.dataSync() as Float32Array | Int32Array | Uint8Array;
}
