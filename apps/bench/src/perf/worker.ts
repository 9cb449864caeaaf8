/**
 * A timing server for one bench backend, run as a child process of `bench perf` (one per backend, so
 * that backends do not share a heap, a tfjs engine or a memory high-water mark). It reads JSON lines on
 * stdin and answers one JSON line per request on file descriptor 3 (protocol.ts), so that whatever a
 * runtime prints on stdout cannot corrupt the replies; the parent passes stdout and stderr through to
 * its own stderr.
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { CompiledLoss, Feeds, LossProgram } from '@lossgraph/core';
import { allBackends, type BenchBackend, isPageLoss } from '@lossgraph-tools/testing';
import { waitGap } from './gap.js';
import { type PerfProblem, perfFeeds, perfProgram } from './problems.js';
import {
  type Gap,
  PERF_MODES,
  type PerfMode,
  type SetupReply,
  type TimeReply,
  type TimeRequest,
  type WorkerRequest,
} from './protocol.js';
import { median } from './stats.js';

interface Loaded {
  readonly backend: BenchBackend;
  /** the problem the programs were compiled for (each time request must name the same loss) */
  readonly problem: PerfProblem;
  /** each mode compiled with validation off (`validate: false`) and, when asked for at setup, on (the default) */
  readonly compiled: Record<PerfMode, { readonly off: CompiledLoss; readonly on?: CompiledLoss }>;
}

let loaded: Loaded | undefined;
/** Inputs of the current shape only: older shapes are dropped so they do not count in later memory peaks. */
let inputs: { key: string; feeds: Feeds } | undefined;
const firstRun = new Map<string, number>();

async function setup(name: string, problem: PerfProblem, withValidation: boolean): Promise<SetupReply> {
  const backend = allBackends().find((b) => b.name === name);
  if (!backend) return { available: false, reason: `no bench backend named '${name}'` };
  const availability = await backend.probe();
  if (!availability.available) return { available: false, reason: availability.reason };
  const compiled = {} as Loaded['compiled'];
  const compileMs = {} as Record<PerfMode, number>;
  for (const mode of PERF_MODES) {
    // The inputs are also validated once, outside the timing (feedsFor). `off` is what a training loop
    // compiled with `validate: false` runs; `on` is compile's default, the value scans in every run().
    const program: LossProgram = perfProgram(problem, mode === 'forward_backward');
    const start = performance.now();
    const off = await backend.compile(program, { validate: false });
    compileMs[mode] = performance.now() - start;
    compiled[mode] = withValidation ? { off, on: await backend.compile(program) } : { off };
  }
  loaded = { backend, problem, compiled };
  return { available: true, device: compiled.forward_backward.off.device, compile_ms: compileMs };
}

/** The problem and batch size of a request, as a key: the fields the worker's inputs depend on. */
function shapeKey(request: TimeRequest): string {
  const { cmd: _c, mode: _m, repeats: _r, warmup: _w, gap: _g, validate: _v, ...shape } = request;
  return JSON.stringify(shape);
}

function feedsFor(request: TimeRequest): Feeds {
  const key = shapeKey(request);
  if (inputs?.key !== key) {
    inputs = undefined;
    const { batch, mode: _m, repeats: _r, warmup: _w, cmd: _c, gap: _g, validate: _v, ...problem } = request;
    inputs = { key, feeds: perfFeeds(problem, batch) };
  }
  return inputs.feeds;
}

/** Highest RSS seen after a run since the last time request began (the fallback where /proc is absent). */
let rssAfterRuns = 0;

/** Transfers of browser backends during the current request (one per page call). */
let transfers: { in: number; out: number }[] = [];

/**
 * Times `n` runs, each after `gap` when one is given. A browser backend times them in the page on feeds
 * moved there once per call (what a training loop in the page pays), and reports the transfers apart
 * (with a gap: one page call per run, the gap spent here before it); others time the awaited run().
 */
async function timeRuns(compiled: CompiledLoss, feeds: Feeds, n: number, gap?: Gap): Promise<number[]> {
  if (n === 0) return [];
  const times: number[] = [];
  if (isPageLoss(compiled)) {
    for (let done = 0; done < n; done += gap ? 1 : n) {
      await waitGap(gap);
      const t = await compiled.timeInPage(feeds, gap ? 1 : n);
      transfers.push({ in: t.feeds_in_ms, out: t.outputs_out_ms });
      times.push(...t.run_ms);
    }
  } else {
    for (let i = 0; i < n; i++) {
      await waitGap(gap);
      const start = performance.now();
      await compiled.run(feeds);
      times.push(performance.now() - start);
    }
  }
  rssAfterRuns = Math.max(rssAfterRuns, process.memoryUsage.rss());
  return times;
}

async function time(request: TimeRequest): Promise<TimeReply> {
  if (!loaded) throw new Error('time before a successful setup');
  if (!PERF_MODES.includes(request.mode))
    throw new Error(`mode must be one of ${PERF_MODES.join(', ')}, got '${request.mode}'`);
  if (request.loss !== loaded.problem.loss)
    throw new Error(`this worker compiled the ${loaded.problem.loss} loss, not ${request.loss}`);
  const variants = loaded.compiled[request.mode];
  const compiled = request.validate ? variants.on : variants.off;
  if (compiled === undefined) throw new Error('validate: true needs a setup with withValidation');
  const feeds = feedsFor(request);
  rssAfterRuns = 0;
  transfers = [];
  const firstKey = `${shapeKey(request)}/${request.mode}/${request.validate === true}`;
  if (!firstRun.has(firstKey)) firstRun.set(firstKey, (await timeRuns(compiled, feeds, 1))[0]!);
  await timeRuns(compiled, feeds, request.warmup ?? 0);
  const faultsBefore = process.resourceUsage().minorPageFault;
  const times = await timeRuns(compiled, feeds, request.repeats, request.gap);
  const faults = process.resourceUsage().minorPageFault - faultsBefore;
  const reply: TimeReply = {
    times_ms: times,
    first_run_ms: firstRun.get(firstKey)!,
    rss_after_runs_mb: rssAfterRuns / 2 ** 20,
    ...(times.length > 0 && { minor_faults_per_run: faults / times.length }),
  };
  if (transfers.length === 0) return reply;
  return {
    ...reply,
    transfer_ms: { in: median(transfers.map((t) => t.in)), out: median(transfers.map((t) => t.out)) },
  };
}

async function shutdown(): Promise<void> {
  if (!loaded) return;
  for (const mode of PERF_MODES) {
    const { off, on } = loaded.compiled[mode];
    await off.dispose();
    await on?.dispose();
  }
  await loaded.backend.close?.();
  loaded = undefined;
}

/** The reply channel: file descriptor 3, opened by the parent as a pipe. */
const REPLY_FD = 3;

function reply(value: unknown): void {
  writeSync(REPLY_FD, `${JSON.stringify(value)}\n`);
}

async function serve(): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    try {
      const request = JSON.parse(line) as WorkerRequest;
      if (request.cmd === 'quit') break;
      if (request.cmd === 'setup')
        reply(await setup(request.backend, request.problem, request.withValidation === true));
      else if (request.cmd === 'time') reply(await time(request));
      else throw new Error(`unknown cmd '${(request as { cmd?: unknown }).cmd}'`);
    } catch (err) {
      reply({ error: err instanceof Error ? err.message : String(err) });
    }
  }
  await shutdown();
}

serve().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`perf worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
