import type * as Ort from 'onnxruntime-web';
import type { ExecutionProvider, WasmPaths } from './options.js';

export type OrtModule = typeof Ort;

/** What differs between the browser and Node entries: which onnxruntime-web build runs an EP, where its files are, threads. */
export interface Platform {
  /** the onnxruntime-web build for an execution provider (loaded on first use) */
  readonly load: (ep: ExecutionProvider) => Promise<OrtModule>;
  /** where that build's .wasm/.mjs files are, when neither the options nor `ort.env.wasm.wasmPaths` say */
  readonly defaultWasmPaths?: () => string;
  /** wasm threads when the caller gives none */
  readonly defaultNumThreads: () => number;
}

/** Per build: the threads its wasm module started with (ORT reads env.wasm once, at the first session). */
const started = new WeakMap<object, number>();

/** Sets the build's env.wasm before its first session; afterwards warns when asked for something else. */
export function configureWasm(
  ort: OrtModule,
  platform: Platform,
  numThreads: number | undefined,
  wasmPaths: WasmPaths | undefined,
): void {
  const wasm = ort.env.wasm;
  const threads = started.get(ort.env);
  if (threads === undefined) {
    if (wasmPaths !== undefined) wasm.wasmPaths = wasmPaths;
    else if (wasm.wasmPaths === undefined && platform.defaultWasmPaths) wasm.wasmPaths = platform.defaultWasmPaths();
    wasm.numThreads = numThreads ?? platform.defaultNumThreads();
    return;
  }
  const ignored = [
    numThreads !== undefined && numThreads !== threads ? `numThreads ${numThreads} (it runs ${threads})` : '',
    wasmPaths !== undefined && JSON.stringify(wasmPaths) !== JSON.stringify(wasm.wasmPaths) ? 'wasmPaths' : '',
  ].filter(Boolean);
  if (ignored.length > 0) {
    console.warn(
      `@lossgraph/onnxruntime-web: ${ignored.join(' and ')} ignored: onnxruntime-web's wasm module already started, and reads these only once`,
    );
  }
}

/** Records that a session has started the build's wasm module; returns the threads it runs. */
export function markStarted(ort: OrtModule): number {
  if (!started.has(ort.env)) started.set(ort.env, ort.env.wasm.numThreads ?? 1);
  return started.get(ort.env)!;
}
