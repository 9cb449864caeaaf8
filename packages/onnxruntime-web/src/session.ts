import type { OpenedSession } from '@lossgraph/onnxruntime-common';
import type { ExecutionProvider, ResolvedOptions } from './options.js';
import { configureWasm, markStarted, type Platform } from './runtime.js';

/** Why WebGPU cannot run here, or undefined when an adapter exists. */
async function webGpuProblem(): Promise<string | undefined> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  if (gpu === undefined) {
    return typeof window === 'undefined'
      ? 'WebGPU is not available outside a browser (navigator.gpu is missing)'
      : 'this browser exposes no WebGPU (navigator.gpu is missing: an old browser, an insecure context, or WebGPU disabled)';
  }
  try {
    if ((await gpu.requestAdapter()) === null)
      return 'navigator.gpu.requestAdapter() returned no adapter (no usable GPU, or WebGPU blocked for it)';
  } catch (error) {
    return `navigator.gpu.requestAdapter() failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}

/**
 * Why value scans must run even with `validate: false` on this session: with more than one wasm thread,
 * a kernel that fails on bad values (GatherElements on an out-of-range index) throws out of ORT's
 * parallel loop on the calling thread while pool threads still work on that loop's frame; they then
 * fault (memory access out of bounds, a null function) and Emscripten rethrows the worker's error on
 * the main thread later, outside any run, as an uncaught exception. Refusing such values up front is
 * the only way the failure stays with the run that caused it.
 */
export function threadedValueChecks(threads: number): string | undefined {
  return threads > 1
    ? `onnxruntime-web runs ${threads} wasm threads: a kernel failing on bad values inside its thread pool corrupts the runtime and surfaces later as an uncaught worker error, so the value checks always run`
    : undefined;
}

/** Opens a session of `ep` on its onnxruntime-web build, configuring that build's wasm module first. */
export async function openWebSession(
  platform: Platform,
  model: () => Uint8Array,
  ep: ExecutionProvider,
  options: ResolvedOptions,
): Promise<OpenedSession> {
  const problem = ep === 'webgpu' ? await webGpuProblem() : undefined;
  if (problem !== undefined) throw new Error(problem);
  const ort = await platform.load(ep);
  configureWasm(ort, platform, options.numThreads, options.wasmPaths);
  // on WebGPU the outputs a trainer keeps stay in GPU buffers, fed back as they are on the next run
  const kept = ep === 'webgpu' && options.keepOutputs.length > 0;
  const session = await ort.InferenceSession.create(model(), {
    executionProviders: [ep],
    graphOptimizationLevel: options.graphOptimizationLevel,
    ...(kept && {
      preferredOutputLocation: Object.fromEntries(options.keepOutputs.map((n) => [n, 'gpu-buffer' as const])),
    }),
  });
  const threads = markStarted(ort);
  const required = threadedValueChecks(threads);
  return {
    session,
    Tensor: ort.Tensor,
    keptOnDevice: kept,
    ...(required === undefined ? {} : { valueChecksRequired: required }),
  };
}
