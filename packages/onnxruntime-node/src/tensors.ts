import type { DType, HostTensor, ValueInfo } from '@lossgraph/core';
import type { Tensor as OrtTensor } from 'onnxruntime-node';
import type { Ort } from './runtime.js';

type OrtData = Float32Array | Int32Array | Uint8Array;

/** The typed array onnxruntime takes for an IR dtype (a reference-interpreter Float64Array is narrowed). */
function ortData(dtype: DType, data: HostTensor['data']): OrtData {
  if (dtype === 'float32') return data instanceof Float32Array ? data : Float32Array.from(data);
  if (dtype === 'int32') return data instanceof Int32Array ? data : Int32Array.from(data);
  return data instanceof Uint8Array ? data : Uint8Array.from(data, (v) => (v ? 1 : 0));
}

export function toOrtTensor(ort: Ort, input: ValueInfo, host: HostTensor): OrtTensor {
  return new ort.Tensor(input.dtype, ortData(input.dtype, host.data), [...host.shape]);
}

/** An onnxruntime output as a host tensor: float32 -> Float32Array, int32 -> Int32Array, bool -> Uint8Array. */
export function fromOrtTensor(t: OrtTensor, dtype: DType): HostTensor {
  return { dtype, shape: [...t.dims], data: t.data as OrtData };
}
