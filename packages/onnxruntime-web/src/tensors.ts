import { LossGraphError, type Feeds, type HostTensor, type Outputs } from '@lossgraph/core';
import type { Tensor } from 'onnxruntime-web';
import type { OrtModule } from './runtime.js';

/**
 * Wraps each feed the session needs as an ort.Tensor over the caller's own typed array (no copy: ORT
 * copies once, into its wasm heap or GPU buffer). Only float64 data (reference outputs) is narrowed.
 */
export function toOrtFeeds(ort: OrtModule, feeds: Feeds, inputNames: readonly string[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const name of inputNames) {
    const t = feeds[name]!;
    const dims = [...t.shape];
    if (t.dtype === 'float32') {
      out[name] = new ort.Tensor('float32', t.data instanceof Float32Array ? t.data : Float32Array.from(t.data), dims);
    } else if (t.dtype === 'int32') {
      out[name] = new ort.Tensor('int32', t.data instanceof Int32Array ? t.data : Int32Array.from(t.data), dims);
    } else {
      out[name] = new ort.Tensor('bool', t.data instanceof Uint8Array ? t.data : Uint8Array.from(t.data), dims);
    }
  }
  return out;
}

/** ort.Tensor results as HostTensors (the arrays ORT returned, not copies). */
export function fromOrtOutputs(results: Record<string, Tensor>, names: readonly string[]): Outputs {
  const out: Outputs = {};
  for (const name of names) {
    const t = results[name];
    if (t === undefined) throw new LossGraphError('KERNEL_ERROR', `onnxruntime-web returned no output '${name}'`, { tensor: name });
    out[name] = toHostTensor(name, t);
  }
  return out;
}

function toHostTensor(name: string, t: Tensor): HostTensor {
  const shape = [...t.dims];
  switch (t.type) {
    case 'float32':
      return { dtype: 'float32', shape, data: t.data as Float32Array };
    case 'int32':
      return { dtype: 'int32', shape, data: t.data as Int32Array };
    case 'bool':
      return { dtype: 'bool', shape, data: t.data as Uint8Array };
    default:
      throw new LossGraphError('DTYPE_MISMATCH', `onnxruntime-web returned output '${name}' as ${t.type}; the IR has float32, int32 and bool only`, {
        tensor: name,
        dtype: t.type,
      });
  }
}
