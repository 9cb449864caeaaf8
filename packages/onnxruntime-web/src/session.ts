import { LossGraphError } from '@lossgraph/core';
import type { InferenceSession } from 'onnxruntime-web';
import type { ExecutionProvider, ResolvedOptions } from './options.js';
import { configureWasm, markStarted, type OrtModule, type Platform } from './runtime.js';

export interface OpenedSession {
  readonly session: InferenceSession;
  /** the execution provider the session was created with */
  readonly ep: ExecutionProvider;
  /** the onnxruntime-web build that runs it */
  readonly ort: OrtModule;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Why WebGPU cannot run here, or undefined when an adapter exists. */
async function webGpuProblem(): Promise<string | undefined> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  if (gpu === undefined) {
    return typeof window === 'undefined'
      ? 'WebGPU is not available outside a browser (navigator.gpu is missing)'
      : 'this browser exposes no WebGPU (navigator.gpu is missing: an old browser, an insecure context, or WebGPU disabled)';
  }
  try {
    if ((await gpu.requestAdapter()) === null) return 'navigator.gpu.requestAdapter() returned no adapter (no usable GPU, or WebGPU blocked for it)';
  } catch (error) {
    return `navigator.gpu.requestAdapter() failed: ${reasonOf(error)}`;
  }
  return undefined;
}

/**
 * Creates one session per execution provider, in order, until one starts. Each session names exactly one
 * provider, so the one in use is known (onnxruntime-web would silently drop webgpu from a list). A skipped
 * provider is warned about; when none starts, one error lists each with its reason.
 */
export async function openSession(platform: Platform, model: Uint8Array, options: ResolvedOptions): Promise<OpenedSession> {
  const eps = options.executionProviders;
  const failures: string[] = [];
  for (const [k, ep] of eps.entries()) {
    let reason: string | undefined;
    if (ep === 'webgpu') reason = await webGpuProblem();
    if (reason === undefined) {
      try {
        const ort = await platform.load(ep);
        configureWasm(ort, platform, options.numThreads, options.wasmPaths);
        const session = await ort.InferenceSession.create(model, {
          executionProviders: [ep],
          graphOptimizationLevel: options.graphOptimizationLevel,
        });
        markStarted(ort);
        return { session, ep, ort };
      } catch (error) {
        reason = reasonOf(error);
      }
    }
    failures.push(`${ep}: ${reason}`);
    const next = eps[k + 1];
    if (next !== undefined) console.warn(`@lossgraph/onnxruntime-web: execution provider '${ep}' could not start (${reason}); falling back to '${next}'`);
  }
  throw new LossGraphError(
    'BACKEND_UNAVAILABLE',
    `onnxruntime-web: no execution provider could start (${failures.join('; ')})`,
    { executionProviders: [...eps], failures },
  );
}
