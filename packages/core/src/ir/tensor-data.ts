import type { DType } from './types.js';

/** Concrete tensor storage. The reference interpreter keeps float32 values in Float64Array (float64 math). */
export type TypedData = Float64Array | Float32Array | Int32Array | Uint8Array;

export interface TensorData {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TypedData;
}

/** Storage for the reference interpreter: float64 for floats, int32, and bytes for bools. */
export function allocate(dtype: DType, size: number): Float64Array | Int32Array | Uint8Array {
  switch (dtype) {
    case 'float32':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

export function tensor(dtype: DType, shape: readonly number[], values: ArrayLike<number>): TensorData {
  const data = allocate(dtype, values.length);
  // a typed array's set converts as element assignment does; bool stores 0 or 1 whatever the truthy value
  data.set(dtype === 'bool' ? Array.from(values, (v) => (v ? 1 : 0)) : values);
  return { dtype, shape: [...shape], data };
}
