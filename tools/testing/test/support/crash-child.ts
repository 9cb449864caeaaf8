/**
 * Runs edge cases on one bench backend, in a process of its own, so that the parent sees a crash (a
 * signal such as SIGFPE), a hang, or an uncaught exception (e.g. from a runtime's worker) for what it
 * is. Protocol over IPC: { id, edge } -> { id, outcome }; 'finish' -> { finished, uncaught } after a
 * quiet second. Every run uses `validate: false`.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import {
  type CompiledLoss,
  compileReference,
  LossGraphError,
  type LossProgram,
  multiboxLossProgram,
} from '@lossgraph/core';
import { type EdgeCase, edgeFeeds } from './edge-cases.js';

export type Outcome =
  | { kind: 'resolved' }
  | { kind: 'rejected'; lossGraphError: boolean; code?: string; message: string };

const uncaught: string[] = [];
process.on('uncaughtException', (e) =>
  uncaught.push(`uncaught exception: ${e instanceof Error ? e.message : String(e)}`),
);
process.on('unhandledRejection', (e) =>
  uncaught.push(`unhandled rejection: ${e instanceof Error ? e.message : String(e)}`),
);

type Compile = (program: LossProgram) => Promise<CompiledLoss>;

const tfjs = async (backend: string): Promise<Compile> => {
  const [{ compile }, wasm] = await Promise.all([
    import('@lossgraph/tfjs'),
    import('@tensorflow/tfjs-backend-wasm'),
    import('@tensorflow/tfjs-backend-cpu'),
  ]);
  wasm.setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  return (p) => compile(p, { backend, validate: false });
};

/** Each Node backend through its package's own compile, with `validate: false`. */
const BACKENDS: Record<string, () => Promise<Compile>> = {
  reference: async () => async (p) => compileReference(p, { validate: false }),
  'tfjs-cpu': () => tfjs('cpu'),
  'tfjs-wasm': () => tfjs('wasm'),
  'onnxruntime-node-cpu': async () => {
    const { compile } = await import('@lossgraph/onnxruntime-node');
    return (p) => compile(p, { executionProviders: ['cpu'], validate: false });
  },
  'onnxruntime-web-wasm': async () => {
    const { compile } = await import('@lossgraph/onnxruntime-web');
    // more than one wasm thread: the case where a failing kernel escaped the run
    return (p) => compile(p, { executionProviders: ['wasm'], numThreads: 2, validate: false });
  },
};
const make = BACKENDS[process.argv[2]!];
if (make === undefined)
  throw new Error(`no Node backend '${process.argv[2]}' (known: ${Object.keys(BACKENDS).join(', ')})`);
const compile = await make();
const compiled = new Map<string, Promise<CompiledLoss>>();

async function runCase(c: EdgeCase): Promise<Outcome> {
  try {
    const key = `${c.jaccardThresh}|${c.negPos}`;
    if (!compiled.has(key))
      compiled.set(key, compile(multiboxLossProgram({ jaccardThresh: c.jaccardThresh, negPos: c.negPos })));
    await (await compiled.get(key)!).run(edgeFeeds(c));
    return { kind: 'resolved' };
  } catch (e) {
    return {
      kind: 'rejected',
      lossGraphError: LossGraphError.isInstance(e),
      code: LossGraphError.isInstance(e) ? e.code : undefined,
      message: e instanceof Error ? e.message : String(e),
    };
  }
}

process.on('message', async (msg: { id: number; edge: EdgeCase } | 'finish') => {
  if (msg === 'finish') {
    await new Promise((r) => setTimeout(r, 1000));
    process.send!({ finished: true, uncaught: uncaught.splice(0) });
    return;
  }
  const outcome = await runCase(msg.edge);
  process.send!({ id: msg.id, outcome, uncaught: uncaught.splice(0) });
});
process.send!({ ready: true });
