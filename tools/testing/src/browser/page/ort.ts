import { compile, type ExecutionProvider } from '@lossgraph/onnxruntime-web';
import type { PageProbe } from '../protocol.js';
import { type PageRuntimeImpl, withDevice } from './runtimes.js';

// the server serves onnxruntime-web's .mjs/.wasm files here (the bundle uses the external-wasm builds)
const WASM_PATHS = new URL('/ort/', location.href).href;

interface GpuAdapterInfo {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

async function probeWebGpu(): Promise<PageProbe> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ info?: GpuAdapterInfo } | null> } }).gpu;
  if (gpu === undefined)
    return { available: false, reason: 'navigator.gpu is missing (WebGPU disabled in this Chromium)', info: '' };
  const adapter = await gpu.requestAdapter();
  if (adapter === null)
    return { available: false, reason: 'navigator.gpu.requestAdapter() returned no adapter', info: '' };
  const i = adapter.info ?? {};
  const name = [i.vendor, i.architecture, i.description].filter(Boolean).join(' ') || 'unnamed adapter';
  return { available: true, info: `adapter ${name}${i.isFallbackAdapter ? ' (fallback, software)' : ''}` };
}

async function probeWasm(): Promise<PageProbe> {
  // the same module instance @lossgraph/onnxruntime-web loads for the wasm EP
  const threads = (await import('onnxruntime-web/wasm')).env.wasm.numThreads;
  const isolation = crossOriginIsolated ? 'cross-origin isolated' : 'not cross-origin isolated';
  return { available: typeof WebAssembly === 'object', info: `${threads ?? 'default'} thread(s), ${isolation}` };
}

export function ortRuntime(ep: ExecutionProvider): PageRuntimeImpl {
  return {
    probe: ep === 'webgpu' ? probeWebGpu : probeWasm,
    // exactly one provider: the bench must never report wasm numbers under the webgpu name
    compile: async (graph) => {
      const loss = await compile(graph, { executionProviders: [ep], validate: false, wasmPaths: WASM_PATHS });
      return withDevice(loss, `${loss.device} (${(await (ep === 'webgpu' ? probeWebGpu : probeWasm)()).info})`);
    },
  };
}
