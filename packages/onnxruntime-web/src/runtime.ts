import * as ort from 'onnxruntime-web';

export type OrtModule = typeof ort;

/** What differs between the browser and Node entries: where the wasm files are and how many threads to use. */
export interface Platform {
  /** onnxruntime-web's dist folder, used when `ort.env.wasm.wasmPaths` is not set (Node) */
  readonly defaultWasmPaths?: () => string;
  /** wasm threads when the caller gives none */
  readonly defaultNumThreads: () => number;
}

/** The threads ORT's wasm module started with (it reads `env.wasm.numThreads` once, at its first session). */
let startedThreads: number | undefined;

/** Sets ort.env.wasm before the first session; afterwards warns when asked for a different thread count. */
export function configureWasm(platform: Platform, numThreads: number | undefined): OrtModule {
  const wasm = ort.env.wasm;
  if (startedThreads === undefined) {
    if (wasm.wasmPaths === undefined && platform.defaultWasmPaths) wasm.wasmPaths = platform.defaultWasmPaths();
    wasm.numThreads = numThreads ?? platform.defaultNumThreads();
  } else if (numThreads !== undefined && numThreads !== startedThreads) {
    console.warn(
      `@lossgraph/onnxruntime-web: numThreads ${numThreads} ignored: onnxruntime-web's wasm module already runs with ${startedThreads} thread(s), fixed at its first session`,
    );
  }
  return ort;
}

/** Records the thread count once a session has started the wasm module. */
export function markStarted(): void {
  startedThreads ??= ort.env.wasm.numThreads ?? 1;
}
