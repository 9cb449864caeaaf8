import { type CompiledLoss, type HostTensor, multiboxLossProgram } from '@lossgraph/core';
import { compile } from '@lossgraph/onnxruntime-web';
// With the 'onnxruntime-web-use-extern-wasm' condition (vite.config.ts), onnxruntime-web loads these two
// files itself; `?url` makes Vite emit them as assets and gives their URLs.
import ortWasmMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import ortWasmBinary from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';

/** wasm threads for onnxruntime-web (needs a cross-origin isolated page). */
export const ORT_THREADS = 4;

let loss: Promise<CompiledLoss> | undefined;

/** The MultiBoxLoss with its gradients on onnxruntime-web's wasm provider, compiled once. */
function ortLoss(): Promise<CompiledLoss> {
  loss ??= compile(multiboxLossProgram({ gradients: true }), {
    executionProviders: ['wasm'],
    numThreads: ORT_THREADS,
    wasmPaths: { mjs: ortWasmMjs, wasm: ortWasmBinary },
  });
  return loss;
}

export interface OrtResult {
  readonly outputs: Record<string, HostTensor>;
  /** `env.wasm.numThreads` of the onnxruntime-web build that ran it, read after its session started */
  readonly numThreads: number;
  readonly ms: number;
}

/** Runs one batch's feeds through onnxruntime-web (wasm, threaded). */
export async function runOnOrt(feeds: Record<string, HostTensor>): Promise<OrtResult> {
  const start = performance.now();
  const outputs = await (await ortLoss()).run(feeds);
  const ms = performance.now() - start;
  // the same module instance @lossgraph/onnxruntime-web loaded for the wasm provider
  const { env } = await import('onnxruntime-web/wasm');
  return { outputs, numThreads: env.wasm.numThreads ?? 1, ms };
}
