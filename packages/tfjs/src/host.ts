import type { DType, HostTensor } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';

/** A feed as a tfjs tensor (tfjs may keep a reference to the feed's array; kernels never write to it). */
export function toTensor(h: HostTensor): tf.Tensor {
  return tf.tensor(h.data, [...h.shape], h.dtype);
}

/** Reads a tfjs tensor back as a HostTensor (one `data()` call). */
export async function toHost(t: tf.Tensor, notSharedWith: ReadonlySet<ArrayBufferLike>): Promise<HostTensor> {
  const data = (await t.data()) as Float32Array | Int32Array | Uint8Array;
  // tfjs-cpu hands back its own array, which a reshaped feed shares with the caller's input
  const own = notSharedWith.has(data.buffer) ? data.slice() : data;
  return { dtype: t.dtype as DType, shape: t.shape, data: own };
}

/** A tfjs tensor's values on the host, synchronously (for input validation only). */
export function toHostSync(t: tf.Tensor): HostTensor {
  return { dtype: t.dtype as DType, shape: t.shape, data: t.dataSync() as Float32Array | Int32Array | Uint8Array };
}
