import { onnx } from '../proto.js';

/** Element kinds the importer tells apart: every ONNX float type, every integer type, bool. */
export type HostKind = 'float' | 'int' | 'bool';

/**
 * A tensor whose value is known while importing (an initializer, a Constant, a folded shape computation).
 * Values are held as float64 (int64 values beyond 2^53 only occur as "to the end" markers of Slice).
 */
export interface HostTensor {
  readonly kind: HostKind;
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

const T = onnx.TensorProto.DataType;
const FLOAT_TYPES: readonly number[] = [T.FLOAT, T.DOUBLE, T.FLOAT16, T.BFLOAT16];
const INT_TYPES: readonly number[] = [T.INT8, T.INT16, T.INT32, T.INT64, T.UINT8, T.UINT16, T.UINT32, T.UINT64];

/** The kind of an ONNX TensorProto.DataType, or undefined for strings, complex numbers and the like. */
export function kindOf(elemType: number): HostKind | undefined {
  if (FLOAT_TYPES.includes(elemType)) return 'float';
  if (INT_TYPES.includes(elemType)) return 'int';
  if (elemType === T.BOOL) return 'bool';
  return undefined;
}

export function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function hostTensor(kind: HostKind, shape: readonly number[], data: ArrayLike<number>): HostTensor {
  return { kind, shape: [...shape], data: Float64Array.from(data) };
}

/** A rank-1 int tensor (shape arithmetic). */
export function hostInts(values: readonly number[]): HostTensor {
  return hostTensor('int', [values.length], values);
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) strides[i] = (strides[i + 1] ?? 1) * (shape[i + 1] ?? 1);
  return strides;
}
