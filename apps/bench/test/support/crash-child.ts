/**
 * Runs edge cases on one bench backend, in a process of its own, so that the parent sees a crash (a
 * signal such as SIGFPE), a hang, or an uncaught exception (e.g. from a runtime's worker) for what it
 * is. Protocol over IPC: { id, edge } -> { id, outcome }; 'finish' -> { finished, uncaught } after a
 * quiet second. Every run uses `validate: false`.
 */
import { LossGraphError, multiboxLossProgram, type CompiledLoss } from '@lossgraph/core';
import { allBackends } from '../../src/backends/index.js';
import { edgeFeeds, type EdgeCase } from './edge-cases.js';

export type Outcome = { kind: 'resolved' } | { kind: 'rejected'; lossGraphError: boolean; code?: string; message: string };

const uncaught: string[] = [];
process.on('uncaughtException', (e) => uncaught.push(`uncaught exception: ${e instanceof Error ? e.message : String(e)}`));
process.on('unhandledRejection', (e) => uncaught.push(`unhandled rejection: ${e instanceof Error ? e.message : String(e)}`));

const backend = allBackends().find((b) => b.name === process.argv[2]);
if (backend === undefined) throw new Error(`no bench backend '${process.argv[2]}'`);
const compiled = new Map<string, Promise<CompiledLoss>>();

async function runCase(c: EdgeCase): Promise<Outcome> {
  try {
    const key = `${c.jaccardThresh}|${c.negPos}`;
    if (!compiled.has(key)) compiled.set(key, backend!.compile(multiboxLossProgram({ jaccardThresh: c.jaccardThresh, negPos: c.negPos }), { validate: false }));
    await (await compiled.get(key)!).run(edgeFeeds(c));
    return { kind: 'resolved' };
  } catch (e) {
    return { kind: 'rejected', lossGraphError: LossGraphError.isInstance(e), code: LossGraphError.isInstance(e) ? e.code : undefined, message: e instanceof Error ? e.message : String(e) };
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
