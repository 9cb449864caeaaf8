import type { CompiledLoss, Graph } from '@lossgraph/core';
import type { PageProbe, PageRuntime } from '../protocol.js';

/** One browser runtime as the page uses it. Graphs arrive already validated by Node (validate: false here). */
export interface PageRuntimeImpl {
  probe(): Promise<PageProbe>;
  compile(graph: Graph): Promise<CompiledLoss>;
}

// dynamic imports: esbuild splits each runtime into its own chunk, loaded on first use
const LOADERS: Record<PageRuntime, () => Promise<PageRuntimeImpl>> = {
  'ort-wasm': async () => (await import('./ort.js')).ortRuntime('wasm'),
  'ort-webgpu': async () => (await import('./ort.js')).ortRuntime('webgpu'),
  'tfjs-webgl': async () => (await import('./tfjs.js')).tfjsWebglRuntime,
};

export function loadRuntime(runtime: PageRuntime): Promise<PageRuntimeImpl> {
  const load = LOADERS[runtime];
  if (load === undefined) throw new Error(`unknown page runtime '${runtime}'`);
  return load();
}

/** The same compiled loss, its device described in more detail (works for class instances too). */
export function withDevice(loss: CompiledLoss, device: string): CompiledLoss {
  return {
    backend: loss.backend,
    device,
    outputNames: loss.outputNames,
    run: (feeds, outputs) => loss.run(feeds, outputs),
    dispose: () => loss.dispose(),
  };
}
