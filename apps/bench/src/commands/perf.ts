/**
 * `bench perf`: times forward and forward+backward of a registered loss (`--loss`, default multibox) on its
 * synthetic timing problem (the `perf` part of its registry entry in core), for every requested backend and
 * batch size, interleaved with the PyTorch counterpart the entry names when /usr/bin/python3 can import its
 * modules. Progress on stderr, a table on stdout, the perf JSON (perf/perf-json.ts) with --json FILE.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { LossGraphError, perfProblem } from '@lossgraph/core';
import type { BenchBackend } from '@lossgraph-tools/testing';
import { parseFlags, parseList, UsageError } from '../args.js';
import { machineInfo } from '../perf/machine.js';
import { currentRssMb } from '../perf/memory.js';
import { assemblePerfJson, type BackendStatus, isComplete, type Skip } from '../perf/perf-json.js';
import {
  boxCount,
  DEFAULT_PERF_LOSS,
  originalTimer,
  PERF_LOSSES,
  type PerfLoss,
  type PerfProblem,
  PROBLEM_DEFAULTS,
  problemTitle,
} from '../perf/problems.js';
import { PERF_MODES, type SetupReply } from '../perf/protocol.js';
import { type Cell, type Contender, measureBatch } from '../perf/schedule.js';
import { probeTorch, startPytorch, startWorker } from '../perf/servers.js';
import { median } from '../perf/stats.js';
import { perfTable } from '../perf/table.js';
import { selectBackends } from '../select-backends.js';
import { runTrainPerf } from './perf-train.js';

/** Every registered loss's own timing-problem flags (its registry entry's `perf.flags`). */
const LOSS_FLAGS = [...new Set(PERF_LOSSES.flatMap((l) => perfProblem(l).flags.map((f) => f.flag)))];

export const FLAGS = [
  'loss',
  'backends',
  'batch',
  'classes',
  ...LOSS_FLAGS,
  'json',
  'repeats',
  'min-time',
  'max-time',
  'warmup',
  'pytorch',
  'torch-threads',
];

export const PERF_MEMORY_NOTE =
  'peak_rss_mb: RSS high-water mark of the process that runs the implementation (one process per backend; ' +
  "Linux VmHWM, reset before each measured request) plus the peak sampled RSS of that process's children " +
  '(e.g. a browser), over the first run, warm-up and timed runs of that batch size; includes the runtime and the inputs';
export const PERF_TIMING_NOTE =
  'wall time of one awaited run() including copies to and from the host, inputs generated and validated once outside the timing ' +
  '(browser backends: run() timed inside the page on feeds already there, moving the feeds in and the outputs out reported apart as transfer_ms); ' +
  'the first call per batch size and mode is reported apart and followed by untimed warm-up; implementations take turns in short rounds';

interface PerfOptions {
  backends: string[] | undefined;
  batches: number[];
  problem: PerfProblem;
  json: string | undefined;
  minRepeats: number;
  minTimeS: number;
  maxTimeS: number;
  warmup: number;
  pytorch: 'auto' | 'off';
  /** undefined: PyTorch picks its own count */
  torchThreads: number | undefined;
}

function positiveInt(name: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${value}'`);
  return n;
}

/**
 * PyTorch threads: by default one per logical core, which is what the runtimes under test may use
 * (onnxruntime's default intra-op threads are the cores), since torch's own choice can be lower (one
 * thread on the 2-core machines seen here) and would flatter the backends. `default` keeps torch's.
 */
function torchThreads(value: string | undefined): number | undefined {
  if (value === 'default') return undefined;
  return value === undefined ? os.cpus().length : positiveInt('torch-threads', value);
}

const flagsOf = (loss: PerfLoss) => perfProblem(loss).flags.map((f) => f.flag);

/** The loss (any registered one) and its shape, from the flags of its timing problem (its registry entry). */
function parseProblem(f: Record<string, string>): PerfProblem {
  const loss = (f.loss ?? DEFAULT_PERF_LOSS) as PerfLoss;
  if (!PERF_LOSSES.includes(loss))
    throw new UsageError(`--loss must be one of ${PERF_LOSSES.join(', ')}, got '${f.loss}'`);
  const own = new Set(flagsOf(loss));
  for (const flag of LOSS_FLAGS)
    if (f[flag] !== undefined && !own.has(flag))
      throw new UsageError(
        `--${flag} applies to --loss ${PERF_LOSSES.filter((l) => flagsOf(l).includes(flag)).join(', ')} only`,
      );
  try {
    return perfProblem(loss).parse(f);
  } catch (err) {
    if (err instanceof LossGraphError && err.code === 'INVALID_OPTION') throw new UsageError(err.message);
    throw err;
  }
}

function parseOptions(args: string[]): PerfOptions {
  const f = parseFlags(args, FLAGS);
  const problem = parseProblem(f);
  const minTimeS = Number(f['min-time'] ?? '2');
  if (!(Number.isFinite(minTimeS) && minTimeS >= 0))
    throw new UsageError(`--min-time must be a number of seconds >= 0, got '${f['min-time']}'`);
  const maxTimeS = Number(f['max-time'] ?? '60');
  if (!(Number.isFinite(maxTimeS) && maxTimeS > 0))
    throw new UsageError(`--max-time must be a number of seconds > 0, got '${f['max-time']}'`);
  const pytorch = f.pytorch ?? 'auto';
  if (pytorch !== 'auto' && pytorch !== 'off') throw new UsageError(`--pytorch must be auto or off, got '${pytorch}'`);
  const batches = (parseList(f.batch ?? PROBLEM_DEFAULTS[problem.loss].batches.join(',')) ?? []).map((b) =>
    positiveInt('batch', b),
  );
  if (batches.length === 0) throw new UsageError('--batch needs at least one batch size');
  return {
    backends: parseList(f.backends),
    batches: [...new Set(batches)].sort((a, b) => a - b),
    problem,
    json: f.json,
    minRepeats: positiveInt('repeats', f.repeats ?? '5'),
    minTimeS,
    maxTimeS,
    warmup: positiveInt('warmup', f.warmup ?? '2', 0),
    pytorch,
    torchThreads: torchThreads(f['torch-threads']),
  };
}

const progress = (line: string) => process.stderr.write(`perf: ${line}\n`);

/** Starts one worker per backend and compiles both programs there; unavailable ones are closed again. */
async function startBackends(names: readonly string[], problem: PerfProblem) {
  const statuses: BackendStatus[] = [];
  const contenders: (Contender & { device: string })[] = [];
  for (const name of names) {
    progress(`starting ${name}`);
    const server = startWorker(name);
    try {
      const setup = await server.request<SetupReply>({ cmd: 'setup', backend: name, problem });
      if (setup.available) {
        const idle = server.pid === undefined ? null : currentRssMb(server.pid);
        statuses.push({
          name,
          available: true,
          reason: null,
          device: setup.device,
          compile_ms: setup.compile_ms,
          idle_rss_mb: idle,
        });
        contenders.push({ name, server, device: setup.device });
        progress(
          `${name}: ${setup.device}, compiled in ${setup.compile_ms.forward.toFixed(0)} / ${setup.compile_ms.forward_backward.toFixed(0)} ms`,
        );
        continue;
      }
      statuses.push({ name, available: false, reason: setup.reason });
      progress(`${name}: not available: ${setup.reason}`);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      statuses.push({ name, available: false, reason });
      progress(`${name}: could not start: ${reason}`);
    }
    await server.close();
  }
  return { statuses, contenders };
}

/**
 * Why `name` should not be timed at `batch`: it failed at a smaller batch size, or one call is expected
 * to take longer than the budget (its median at the largest batch size timed so far, scaled linearly).
 */
function reasonToSkip(name: string, batch: number, cells: readonly Cell[], maxTimeMs: number): string | null {
  const earlier = cells.filter((c) => c.name === name && c.batch < batch);
  const failed = earlier.find((c) => !isComplete(c));
  if (failed) return `it failed at batch ${failed.batch}`;
  const last = earlier.at(-1);
  if (!last) return null;
  const expected = Math.max(...PERF_MODES.map((m) => (median(last.times[m]) * batch) / last.batch));
  return expected > maxTimeMs
    ? `one call is expected to take about ${(expected / 1000).toFixed(0)} s (batch ${last.batch} median scaled to batch ${batch}), over --max-time ${maxTimeMs / 1000} s`
    : null;
}

export async function runPerf(args: string[]): Promise<number> {
  if (args.includes('--train')) return runTrainPerf(args.filter((a) => a !== '--train'));
  let options: PerfOptions;
  let backends: BenchBackend[];
  try {
    options = parseOptions(args);
    backends = selectBackends(options.backends);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench perf: ${err.message}\n`);
    return 2;
  }
  const names = backends.map((b) => b.name);
  const notes = new Map(backends.map((b) => [b.name, b.notes]));

  const { problem } = options;
  const original = originalTimer(problem.loss);
  const torch =
    options.pytorch === 'off'
      ? { available: false as const, reason: 'disabled with --pytorch off' }
      : original === null
        ? { available: false as const, reason: `no PyTorch timer is written for --loss ${problem.loss}` }
        : probeTorch(options.torchThreads, problem.loss);
  progress(`${problemTitle(problem)}, batch sizes ${options.batches.join(', ')}`);
  progress(
    torch.available
      ? `PyTorch ${torch.version} (${torch.threads} threads) found: timing ${original?.what} alongside`
      : `PyTorch original not timed: ${torch.reason}`,
  );

  const started = await startBackends(names, problem);
  const contenders = started.contenders;
  const statuses = started.statuses.map((s) => (notes.get(s.name) ? { ...s, notes: notes.get(s.name) } : s));
  const pytorch: Contender | undefined = torch.available
    ? { name: 'pytorch', server: startPytorch(options.torchThreads, problem.loss) }
    : undefined;
  const all = [...(pytorch ? [pytorch] : []), ...contenders];
  const cells: Cell[] = [];
  const skipped: Skip[] = [];
  try {
    for (const batch of options.batches) {
      const timed = all.filter((c) => {
        const why = reasonToSkip(c.name, batch, cells, options.maxTimeS * 1000);
        if (why) {
          skipped.push({ name: c.name, batch, reason: why });
          progress(`batch ${batch}: ${c.name} skipped: ${why}`);
        }
        return !why;
      });
      if (timed.length === 0) continue;
      progress(`batch ${batch}: timing ${timed.map((c) => c.name).join(', ')}`);
      cells.push(
        ...(await measureBatch(
          timed,
          { ...problem, batch },
          {
            minRepeats: options.minRepeats,
            minTimeMs: options.minTimeS * 1000,
            maxTimeMs: options.maxTimeS * 1000,
            warmup: options.warmup,
            chunkMs: Math.max(100, (options.minTimeS * 1000) / 4),
          },
          progress,
        )),
      );
    }
  } finally {
    await Promise.all(all.map((c) => c.server.close()));
  }

  const perf = assemblePerfJson({
    cells,
    devices: new Map(contenders.map((c) => [c.name, c.device])),
    backends: statuses,
    skipped,
    pytorch: torch.available
      ? { available: true, reason: null, version: torch.version, threads: torch.threads }
      : { available: false, reason: torch.reason },
    config: {
      date: new Date().toISOString(),
      ...problem,
      num_priors: boxCount(problem),
      original: original?.what,
      batches: options.batches,
      min_repeats: options.minRepeats,
      min_time_s: options.minTimeS,
      max_time_s: options.maxTimeS,
      warmup: options.warmup,
      command: ['pnpm bench perf', ...args].join(' '),
      memory: PERF_MEMORY_NOTE,
      timing: PERF_TIMING_NOTE,
    },
    machine: machineInfo(),
  });
  process.stdout.write(perfTable(perf));
  if (options.json) {
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, `${JSON.stringify(perf, null, 2)}\n`);
    progress(`wrote ${options.json}`);
  }
  // An unavailable backend fails the run only when it was asked for by name.
  const requestedMissing = options.backends !== undefined && statuses.some((s) => !s.available);
  return perf.errors.length > 0 || requestedMissing || contenders.length === 0 ? 1 : 0;
}
