/**
 * The bench page (bundled by esbuild, served by ../server.ts): installs `window.__lossgraph`, which
 * compiles graphs with a browser runtime and runs them on feeds fetched from the server.
 */
import { LossGraphError, type CompiledLoss, type DType, type Graph, type HostTensor } from '@lossgraph/core';
import type { PageApi, PageError, PageResult, PageRuntime, WireTensor } from '../protocol.js';
import { loadRuntime } from './runtimes.js';

const compiled = new Map<number, CompiledLoss>();
let nextId = 1;

function pageError(error: unknown): PageError {
  if (LossGraphError.isInstance(error)) return { code: error.code, message: error.message, details: { ...error.details } };
  return { message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

async function attempt<T>(fn: () => Promise<T>): Promise<PageResult<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error: pageError(error) };
  }
}

const ARRAYS = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;

async function fetchFeed(token: string, k: number, t: WireTensor): Promise<HostTensor> {
  const res = await fetch(`/io/${token}/in/${k}`);
  if (!res.ok) throw new Error(`feed '${t.name}': the server answered HTTP ${res.status}`);
  return { dtype: t.dtype, shape: t.shape, data: new ARRAYS[t.dtype](await res.arrayBuffer()) };
}

/** The bytes of an output as the wire carries it: float32, int32 or one byte per bool. */
function wireBytes(dtype: DType, data: HostTensor['data']): Uint8Array {
  const typed = data instanceof ARRAYS[dtype] ? data : ARRAYS[dtype].from(data);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

async function postOutput(token: string, k: number, t: HostTensor): Promise<void> {
  // a Blob body: Chromium uploads it >10x faster than a typed-array body (50 ms vs 650 ms for 12 MB here)
  const res = await fetch(`/io/${token}/out/${k}`, { method: 'POST', body: new Blob([wireBytes(t.dtype, t.data) as Uint8Array<ArrayBuffer>]) });
  if (!res.ok) throw new Error(`output ${k}: the server answered HTTP ${res.status}`);
}

const api: PageApi = {
  ready: true,
  async probe(runtime: PageRuntime) {
    try {
      return await (await loadRuntime(runtime)).probe();
    } catch (error) {
      return { available: false, reason: pageError(error).message, info: '' };
    }
  },
  compile(runtime: PageRuntime, graph: Graph) {
    return attempt(async () => {
      const loss = await (await loadRuntime(runtime)).compile(graph);
      const id = nextId++;
      compiled.set(id, loss);
      return { id, backend: loss.backend, device: loss.device, outputNames: [...loss.outputNames] };
    });
  },
  run(id, token, feeds, outputs) {
    return attempt(async () => {
      const loss = compiled.get(id);
      if (loss === undefined) throw new LossGraphError('DISPOSED', `compiled loss #${id} is not in this page (disposed, or the page was reloaded)`);
      const tensors = await Promise.all(feeds.map((t, k) => fetchFeed(token, k, t)));
      const result = await loss.run(Object.fromEntries(feeds.map((t, k) => [t.name, tensors[k]!])), outputs ?? undefined);
      const names = Object.keys(result);
      await Promise.all(names.map((name, k) => postOutput(token, k, result[name]!)));
      return names.map((name) => ({ name, dtype: result[name]!.dtype, shape: [...result[name]!.shape] }));
    });
  },
  async dispose(id) {
    const loss = compiled.get(id);
    compiled.delete(id);
    await loss?.dispose();
  },
};

window.__lossgraph = api;
