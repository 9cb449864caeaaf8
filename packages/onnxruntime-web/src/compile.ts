import {
  asProgram,
  compileWithFastPath,
  checkFeeds,
  DisposeGuard,
  LossGraphError,
  type CompiledLoss,
  type Feeds,
  type Graph,
  type LossProgram,
  type Outputs,
} from '@lossgraph/core';
import { toOnnxModel } from '@lossgraph/onnx';
import { resolveOptions, type OnnxRuntimeWebOptions } from './options.js';
import type { Platform } from './runtime.js';
import { openSession } from './session.js';
import { fromOrtOutputs, toOrtFeeds } from './tensors.js';

/** compile() for one platform (browser or Node); see the entry points. */
export async function compileOn(platform: Platform, graphOrProgram: Graph | LossProgram, options: OnnxRuntimeWebOptions = {}): Promise<CompiledLoss> {
  const program = asProgram(graphOrProgram);
  if (program.fastPath !== undefined) return compileWithFastPath(program, (p) => compileOn(platform, p, options));
  const resolved = resolveOptions(options);
  const { session, ep, ort } = await openSession(platform, toOnnxModel(program.graph), resolved);
  const outputNames = program.graph.outputs.map((o) => o.name);
  const guard = new DisposeGuard(`onnxruntime-web (${ep}) compiled loss`);

  const runOnce = async (feeds: Feeds, outputs: readonly string[]): Promise<Outputs> => {
    guard.check();
    checkFeeds(program, feeds, resolved);
    let results;
    try {
      results = await session.run(toOrtFeeds(ort, feeds, session.inputNames), outputs);
    } catch (error) {
      throw new LossGraphError('KERNEL_ERROR', `onnxruntime-web (${ep}) failed to run the graph: ${error instanceof Error ? error.message : String(error)}`, {
        executionProvider: ep,
      }, { cause: error });
    }
    return fromOrtOutputs(results, outputs);
  };

  // a session runs one call at a time: later calls wait for earlier ones
  let queue: Promise<unknown> = Promise.resolve();
  return {
    backend: `onnxruntime-web-${ep}`,
    device: ep,
    outputNames,
    // async: every failure is a rejected promise, never a synchronous throw
    async run(feeds, outputs) {
      guard.check();
      const wanted = outputs ?? outputNames;
      for (const name of wanted) {
        if (!outputNames.includes(name)) throw new LossGraphError('INVALID_GRAPH', `graph has no output '${name}' (it has: ${outputNames.join(', ')})`, { tensor: name });
      }
      const task = queue.then(() => runOnce(feeds, wanted));
      queue = task.catch(() => undefined);
      return task;
    },
    async dispose() {
      if (!guard.dispose()) return;
      await queue;
      await session.release();
    },
  };
}
