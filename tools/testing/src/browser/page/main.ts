/**
 * The bench page (bundled by esbuild, served by ../server.ts): installs `window.__lossgraph`, which
 * compiles graphs with a browser runtime and runs them on feeds fetched from the server.
 */
import { type CompiledLoss, type DType, type Graph, type HostTensor, LossGraphError } from '@lossgraph/core';
import type { PageApi, PageError, PageResult, PageRuntime, WireTensor } from '../protocol.js';
import { loadRuntime } from './runtimes.js';

const compiled = new Map<number, CompiledLoss>();
let nextId = 1;

function pageError(error: unknown): PageError {
  if (LossGraphError.isInstance(error))
    return { code: error.code, message: error.message, details: { ...error.details } };
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
  const res = await fetch(`/io/${token}/out/${k}`, {
    method: 'POST',
    body: new Blob([wireBytes(t.dtype, t.data) as Uint8Array<ArrayBuffer>]),
  });
  if (!res.ok) throw new Error(`output ${k}: the server answered HTTP ${res.status}`);
}

function lossById(id: number): CompiledLoss {
  const loss = compiled.get(id);
  if (loss === undefined)
    throw new LossGraphError(
      'DISPOSED',
      `compiled loss #${id} is not in this page (disposed, or the page was reloaded)`,
    );
  return loss;
}

async function fetchFeeds(token: string, feeds: readonly WireTensor[]): Promise<Record<string, HostTensor>> {
  const tensors = await Promise.all(feeds.map((t, k) => fetchFeed(token, k, t)));
  return Object.fromEntries(feeds.map((t, k) => [t.name, tensors[k]!]));
}

async function postOutputs(token: string, result: Record<string, HostTensor>): Promise<WireTensor[]> {
  const names = Object.keys(result);
  await Promise.all(names.map((name, k) => postOutput(token, k, result[name]!)));
  return names.map((name) => ({ name, dtype: result[name]!.dtype, shape: [...result[name]!.shape] }));
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
      const loss = lossById(id);
      const result = await loss.run(await fetchFeeds(token, feeds), outputs ?? undefined);
      return postOutputs(token, result);
    });
  },
  time(id, token, feeds, repeats) {
    return attempt(async () => {
      const loss = lossById(id);
      const fetchStart = performance.now();
      const inputs = await fetchFeeds(token, feeds);
      const feedsInMs = performance.now() - fetchStart;
      const runMs: number[] = [];
      let result: Record<string, HostTensor> = {};
      for (let i = 0; i < repeats; i++) {
        const start = performance.now();
        result = await loss.run(inputs);
        runMs.push(performance.now() - start);
      }
      const postStart = performance.now();
      await postOutputs(token, result);
      return { run_ms: runMs, feeds_in_ms: feedsInMs, outputs_out_ms: performance.now() - postStart };
    });
  },
  async dispose(id) {
    const loss = compiled.get(id);
    compiled.delete(id);
    await loss?.dispose();
  },
};

window.__lossgraph = api;
