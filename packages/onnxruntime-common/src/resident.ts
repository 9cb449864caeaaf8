import {
  type DeviceTensor,
  type DType,
  type HostTensor,
  isHostTensor,
  LossGraphError,
  type ResidentGraph,
} from '@lossgraph/core';
import type { InferenceSession, Tensor, TensorConstructor } from 'onnxruntime-common';
import { reasonOf } from './providers.js';
import { downloadedResults, fromOrtOutputs } from './tensors.js';

/** What resident runs need of an opened session. */
export interface ResidentSession {
  readonly runtime: string;
  readonly ep: string;
  readonly Tensor: TensorConstructor;
  readonly inputNames: readonly string[];
  /** true when the session places the kept outputs in GPU buffers (onnxruntime-web WebGPU) */
  readonly keptOnDevice: boolean;
  run(feeds: InferenceSession.FeedsType, fetches: readonly string[]): Promise<InferenceSession.ReturnType>;
}

const hostData = (t: Tensor): HostTensor['data'] => (t.data as HostTensor['data']).slice();

/**
 * Resident runs on an onnxruntime session: kept outputs are the session's own Tensors, fed back as they
 * are. In GPU buffers (WebGPU with `keepOutputs`) they never cross the host; in host memory (cpu, wasm,
 * cuda) onnxruntime copies them into the runtime and out again every run, but no conversion happens in
 * JavaScript.
 */
export function ortResident(session: ResidentSession): ResidentGraph {
  const { runtime, ep, Tensor: Ctor } = session;
  const handles = new WeakMap<DeviceTensor, Tensor>();
  const wrap = (t: Tensor): DeviceTensor => {
    const d: DeviceTensor = { dtype: t.type as DType, shape: [...t.dims] };
    handles.set(d, t);
    return d;
  };
  const own = (t: DeviceTensor): Tensor => {
    const h = handles.get(t);
    if (h === undefined)
      throw new LossGraphError(
        'DTYPE_MISMATCH',
        `${runtime}: a device tensor [${t.shape}] that this loss did not make (or released)`,
        { runtime },
      );
    return h;
  };
  return {
    location: session.keptOnDevice ? 'gpu-buffer' : `ort tensor in host memory (${ep})`,
    keptCrossesHost: !session.keptOnDevice,
    async run(feeds, read, keep) {
      const ortFeeds: Record<string, Tensor> = {};
      for (const name of session.inputNames) {
        const f = feeds[name]!;
        ortFeeds[name] = isHostTensor(f)
          ? new Ctor(f.dtype, f.data as Float32Array | Int32Array | Uint8Array, [...f.shape])
          : own(f);
      }
      let results: InferenceSession.ReturnType;
      try {
        results = await session.run(ortFeeds, [...read, ...keep]);
      } catch (cause) {
        throw new LossGraphError(
          'KERNEL_ERROR',
          `${runtime} (${ep}) failed to run the graph: ${reasonOf(cause)}`,
          { runtime, executionProvider: ep },
          { cause },
        );
      }
      try {
        const host = fromOrtOutputs(runtime, await downloadedResults(Ctor, results, read), read);
        const kept: Record<string, DeviceTensor> = {};
        for (const name of keep) {
          const t = results[name] as Tensor | undefined;
          if (t === undefined)
            throw new LossGraphError('KERNEL_ERROR', `${runtime} returned no output '${name}'`, {
              runtime,
              tensor: name,
            });
          kept[name] = wrap(t);
        }
        return { host, kept };
      } catch (e) {
        for (const name of keep) (results[name] as Tensor | undefined)?.dispose();
        throw e;
      }
    },
    async download(t) {
      const h = own(t);
      const data = h.location === 'cpu' ? hostData(h) : ((await h.getData()) as HostTensor['data']);
      return { dtype: t.dtype, shape: t.shape, data };
    },
    downloadSync(t) {
      const h = own(t);
      return h.location === 'cpu' ? { dtype: t.dtype, shape: t.shape, data: hostData(h) } : undefined;
    },
    release(t) {
      handles.get(t)?.dispose();
      handles.delete(t);
    },
  };
}
