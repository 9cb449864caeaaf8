import type { DType } from '@lossgraph/core';
import { onnx } from './proto.js';

/** Element types the emitted models use: the IR's, plus int64 where ONNX requires it (shapes, indices). */
export type OnnxDType = DType | 'int64';

/** ONNX TensorProto.DataType of each element type. */
export const ONNX_ELEM_TYPE: Readonly<Record<OnnxDType, number>> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** Little-endian raw bytes of `values` in `dtype` (TensorProto.raw_data). */
export function rawBytes(dtype: OnnxDType, values: readonly number[]): Uint8Array {
  if (dtype === 'float32') return new Uint8Array(Float32Array.from(values).buffer);
  if (dtype === 'int32') return new Uint8Array(Int32Array.from(values).buffer);
  if (dtype === 'int64') return new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer);
  return Uint8Array.from(values, (v) => (v ? 1 : 0));
}
