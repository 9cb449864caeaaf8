import type { CompiledLoss, HostTensor, RetinanetInput } from '@lossgraph/core';
import { compile } from '@lossgraph/onnxruntime-web';
// With the 'onnxruntime-web-use-extern-wasm' condition (vite.config.ts), onnxruntime-web loads these two
// files itself; `?url` makes Vite emit them as assets and gives their URLs.
import ortWasmMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import ortWasmBinary from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { type ExplainFeeds, explainProgram, type MatchOptions } from './explanation.js';
import { type RetinaOptions, retinaProgram } from './retinanet.js';
import { type YoloFeeds, type YoloOptions, yoloProgram } from './yolov8.js';

export type { MatchOptions };

const sessions = new Map<string, Promise<CompiledLoss>>();

/** A loss program with its diagnostic outputs on onnxruntime-web (wasm, one thread), one session per options. */
function session(key: string, program: () => Parameters<typeof compile>[0]): Promise<CompiledLoss> {
  let loss = sessions.get(key);
  if (loss === undefined) {
    loss = compile(program(), {
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
  return (await session(`multibox ${JSON.stringify(o)}`, () => explainProgram(o))).run(feeds);
}

/** Runs RetinaNet's loss (the same boxes as anchors) under its slider options. */
export async function runRetina(
  feeds: Record<RetinanetInput, HostTensor>,
  o: RetinaOptions,
): Promise<Record<string, HostTensor>> {
  return (await session(`retinanet ${JSON.stringify(o)}`, () => retinaProgram(o))).run(feeds);
}

/** Runs YOLOv8's loss (the same image at YOLO_IMAGE px) under its slider options. */
export async function runYolo(feeds: YoloFeeds, o: YoloOptions): Promise<Record<string, HostTensor>> {
  return (await session(`yolov8 ${JSON.stringify(o)}`, () => yoloProgram(o))).run(feeds);
}
