/**
 * onnxruntime-web for the page: the execution provider (WebGPU where `navigator.gpu` is, wasm otherwise, or
 * `?ep=wasm` / `?ep=webgpu`), lossgraph's compile on it, and a plain onnxruntime-web InferenceSession.
 */
import type { BackendCompile, HostTensor } from '@lossgraph/core';
import { compile } from '@lossgraph/onnxruntime-web';
import webgpuMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import webgpuBinary from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
// With the 'onnxruntime-web-use-extern-wasm' condition (vite.config.ts) onnxruntime-web loads its Emscripten
// glue and binary from these URLs; `?url` makes Vite emit them as assets. wasm uses the threaded pair,
// webgpu the asyncify pair (packages/onnxruntime-web/README.md, "Bundlers").
import wasmMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import wasmBinary from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';

export type Provider = 'webgpu' | 'wasm';

/** `?ep=` if given, else WebGPU where the browser has it. */
export function chooseProvider(search: string): Provider {
  const asked = new URLSearchParams(search).get('ep');
  if (asked === 'wasm' || asked === 'webgpu') return asked;
  if (asked !== null) throw new Error(`?ep= must be 'wasm' or 'webgpu', got '${asked}'`);
  return 'gpu' in navigator ? 'webgpu' : 'wasm';
}

function wasmPaths(ep: Provider) {
  return ep === 'webgpu' ? { mjs: webgpuMjs, wasm: webgpuBinary } : { mjs: wasmMjs, wasm: wasmBinary };
}

/** lossgraph's onnxruntime-web compile on one provider (no silent fallback: the page says which runs). */
export function compileOn(ep: Provider): BackendCompile {
  return (program, options) => compile(program, { ...options, executionProviders: [ep], wasmPaths: wasmPaths(ep) });
}

/**
 * Runs the exported model with plain onnxruntime-web (its own InferenceSession, no lossgraph in between) on
 * the same build and provider as the training: `onnxruntime-web/wasm` or `onnxruntime-web/webgpu`.
 */
export async function runPlainOrt(
  ep: Provider,
  onnx: Uint8Array,
  images: HostTensor,
): Promise<Record<'loc_data' | 'conf_data', Float32Array>> {
  const ort = ep === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm');
  const session = await ort.InferenceSession.create(onnx, { executionProviders: [ep] });
  try {
    const input = new ort.Tensor('float32', Float32Array.from(images.data), [...images.shape]);
    const out = await session.run({ images: input });
    const read = async (name: string) => {
      const t = out[name];
      if (t === undefined) throw new Error(`the inference model gave no '${name}'`);
      return (await t.getData()) as Float32Array;
    };
    return { loc_data: await read('loc_data'), conf_data: await read('conf_data') };
  } finally {
    await session.release();
  }
}
