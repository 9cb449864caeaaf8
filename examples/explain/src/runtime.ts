import type { CompiledLoss, HostTensor } from '@lossgraph/core';
import { compile } from '@lossgraph/onnxruntime-web';
// With the 'onnxruntime-web-use-extern-wasm' condition (vite.config.ts), onnxruntime-web loads these two
// files itself; `?url` makes Vite emit them as assets and gives their URLs.
import ortWasmMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import ortWasmBinary from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { type ExplainFeeds, explainProgram, type MatchOptions } from './explanation.js';

export type { MatchOptions };

const sessions = new Map<string, Promise<CompiledLoss>>();

/** The MultiBoxLoss with its diagnostic outputs on onnxruntime-web (wasm, one thread), one session per options. */
function session(o: MatchOptions): Promise<CompiledLoss> {
  const key = `${o.jaccardThresh}/${o.negPos}`;
  let loss = sessions.get(key);
  if (loss === undefined) {
    loss = compile(explainProgram(o), {
      executionProviders: ['wasm'],
      numThreads: 1,
      wasmPaths: { mjs: ortWasmMjs, wasm: ortWasmBinary },
    });
    sessions.set(key, loss);
  }
  return loss;
}

/** Runs the loss for one image's feeds under the slider options. */
export async function runLoss(feeds: ExplainFeeds, o: MatchOptions): Promise<Record<string, HostTensor>> {
  return (await session(o)).run(feeds);
}
