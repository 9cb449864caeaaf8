import { type DeviceTensor, type DType, type HostTensor, isHostTensor, type ResidentGraph } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import { onBackend } from './backend.js';
import { fail } from './errors.js';
import { toHost, toHostSync, toTensor } from './host.js';
import type { LoweredGraph } from './lowered-graph.js';

/**
 * Resident runs on tfjs: kept outputs stay tf.Tensors on the loss's tfjs backend (a texture on webgl, a
 * buffer on webgpu, the wasm heap on wasm) and are read as inputs of the next run without a copy.
 */
export function tfjsResident(backend: string, lowered: LoweredGraph): ResidentGraph {
  const handles = new WeakMap<DeviceTensor, tf.Tensor>();
  const wrap = (t: tf.Tensor): DeviceTensor => {
    const d: DeviceTensor = { dtype: t.dtype as DType, shape: t.shape };
    handles.set(d, t);
    return d;
  };
  const own = (t: DeviceTensor): tf.Tensor => {
    const h = handles.get(t);
    if (h === undefined)
      fail('DTYPE_MISMATCH', `a device tensor [${t.shape}] that this tfjs-${backend} loss did not make (or released)`);
    return h;
  };
  return {
    location: `tfjs tensor (${backend})`,
    keptCrossesHost: false,
    async run(feeds, read, keep, env) {
      const wanted = [...read, ...keep];
      const names = lowered.plan(wanted).outputs.map((o) => o.name);
      const results = await onBackend(backend, () =>
        tf.tidy(() => {
          const inputs = Object.fromEntries(
            lowered.inputNames.map((n) => {
              const f = feeds[n]!;
              return [n, isHostTensor(f) ? toTensor(f) : own(f)];
            }),
          );
          return lowered.run(inputs, env, wanted, false);
        }),
      );
      const byName = new Map(names.map((n, i) => [n, results[i]!]));
      const kept: Record<string, DeviceTensor> = {};
      try {
        const feedBuffers = new Set(
          Object.values(feeds)
            .filter(isHostTensor)
            .map((f) => f.data.buffer),
        );
        const host: Record<string, HostTensor> = {};
        for (const n of read) host[n] = await toHost(byName.get(n)!, feedBuffers);
        for (const n of keep) kept[n] = wrap(byName.get(n)!);
        return { host, kept };
      } finally {
        for (const n of read) byName.get(n)?.dispose();
        // on a failure nothing is handed out: the kept ones go too
        if (Object.keys(kept).length < keep.length) for (const n of keep) byName.get(n)?.dispose();
      }
    },
    async download(t) {
      const h = own(t);
      return { dtype: t.dtype, shape: t.shape, data: ((await h.data()) as HostTensor['data']).slice() };
    },
    downloadSync(t) {
      const h = toHostSync(own(t));
      return { ...h, data: h.data.slice() };
    },
    release(t) {
      handles.get(t)?.dispose();
      handles.delete(t);
    },
  };
}
