import { type DType, type Feeds, type HostTensor, LossGraphError, type Outputs } from '@lossgraph/core';
import type { InferenceSession, Tensor, TensorConstructor } from 'onnxruntime-common';

const IR_DTYPES: readonly string[] = ['float32', 'int32', 'bool'] satisfies DType[];

/**
 * Each feed the session needs as a tensor of the runtime (its own `Tensor` constructor, so that its
 * instanceof checks hold) over the caller's typed array: no copy here, ORT copies once into its heap or
 * a GPU buffer. Core has already narrowed float64 data to float32.
 */
export function toOrtFeeds(
  Ctor: TensorConstructor,
  feeds: Feeds,
  inputNames: readonly string[],
): InferenceSession.FeedsType {
  const out: Record<string, Tensor> = {};
  for (const name of inputNames) {
    const t = feeds[name]!;
    out[name] = new Ctor(t.dtype, t.data as Float32Array | Int32Array | Uint8Array, [...t.shape]);
  }
  return out;
}

/** Session results as HostTensors (the arrays ORT returned, not copies); `runtime` names it in errors. */
export function fromOrtOutputs(
  runtime: string,
  results: InferenceSession.ReturnType,
  names: readonly string[],
): Outputs {
  const out: Outputs = {};
  for (const name of names) {
    const t: Tensor | undefined = results[name];
    if (t === undefined)
      throw new LossGraphError('KERNEL_ERROR', `${runtime} returned no output '${name}'`, { runtime, tensor: name });
    if (!IR_DTYPES.includes(t.type)) {
      throw new LossGraphError(
        'DTYPE_MISMATCH',
        `${runtime} returned output '${name}' as ${t.type}; the IR has float32, int32 and bool only`,
        { runtime, tensor: name, dtype: t.type },
      );
    }
    out[name] = { dtype: t.type as DType, shape: [...t.dims], data: t.data as HostTensor['data'] };
  }
  return out;
}

/**
 * Results whose tensors live outside host memory (a session's `gpu-buffer` outputs) read back, each
 * GPU buffer released once read; host tensors as they are.
 */
export async function downloadedResults(
  Ctor: TensorConstructor,
  results: InferenceSession.ReturnType,
  names: readonly string[],
): Promise<InferenceSession.ReturnType> {
  const out: Record<string, Tensor> = { ...(results as Record<string, Tensor>) };
  for (const name of names) {
    const t = out[name];
    if (t === undefined || t.location === 'cpu' || t.location === 'cpu-pinned') continue;
    const data = (await t.getData(true)) as Float32Array | Int32Array | Uint8Array;
    out[name] = new Ctor(t.type as 'float32', data as Float32Array, t.dims);
  }
  return out;
}
