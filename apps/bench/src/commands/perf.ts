/**
 * `bench perf`: times forward and forward+backward of a registered loss (`--loss`, default multibox) on its
 * synthetic timing problem (the `perf` part of its registry entry in core), for every requested backend and
 * batch size, interleaved with the PyTorch counterpart the entry names when /usr/bin/python3 can import its
 * modules. Progress on stderr, a table on stdout, the perf JSON (perf/perf-json.ts) with --json FILE.
 *
 * Timing conditions: `--timing back-to-back|loop|both` (default both; loop: `--gap 20` ms, `--gap-kind
 * idle|busy`, before each timed call, as a model step between loss calls) and `--validate on|off|both`
 * (default both: the backends compiled with the defaults, whose run() scans the inputs, and with
 * `validate: false`). Every condition is one interleaved schedule of all implementations.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import type { BenchBackend } from '@lossgraph-tools/testing';
import { parseFlags, parseList, UsageError } from '../args.js';
import { gapText } from '../perf/gap.js';
import { machineInfo } from '../perf/machine.js';
import { currentRssMb } from '../perf/memory.js';
import { assemblePerfJson, type BackendStatus, isComplete, type Skip } from '../perf/perf-json.js';
import {
  boxCount,
  LOSS_FLAGS,
  originalTimer,
  type PerfProblem,
  PROBLEM_DEFAULTS,
  parsePerfProblem,
  problemTitle,
} from '../perf/problems.js';
import { GAP_KINDS, type Gap, type GapKind, PERF_MODES, type PerfMode, type SetupReply } from '../perf/protocol.js';
import { type Cell, type Contender, cellLabel, measureBatch } from '../perf/schedule.js';
import { probeTorch, startPytorch, startWorker } from '../perf/servers.js';
import { median } from '../perf/stats.js';
import { perfTable } from '../perf/table.js';
import type { TimingServer } from '../perf/timing-server.js';
import { selectBackends } from '../select-backends.js';
import { runTrainPerf } from './perf-train.js';

const FLAGS = [
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
  'timing',
  'gap',
  'gap-kind',
  'validate',
];

export const PERF_MEMORY_NOTE =
  'peak_rss_mb: RSS high-water mark of the process that runs the implementation (for a backend, one process per ' +
  'program, forward or forward+backward with validation on or off, each holding only that compiled loss; the higher of the two modes; ' +
  "Linux VmHWM, reset before each measured request) plus the peak sampled RSS of that process's children " +
  '(e.g. a browser), over the first run, warm-up and timed runs of that batch size; includes the runtime and the inputs';
export const PERF_TIMING_NOTE =
  'wall time of one awaited run() including copies to and from the host, inputs generated and validated once outside the timing ' +
  '(browser backends: run() timed inside the page on feeds already there, moving the feeds in and the outputs out reported apart as transfer_ms); ' +
  'the first call per batch size and mode is reported apart and followed by untimed warm-up; implementations take turns in short rounds; ' +
  'back to back: timed calls follow each other; training loop: an idle (sleep) or busy (the calling thread streams a 32 MiB buffer) gap ' +
  'before each timed call, as a model step between loss calls; validate on: compiled with the defaults (value scans in every run()), ' +
  'off: compiled with validate: false';

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
  /** the timings to run: back to back (null) and/or with a gap before each call */
  gaps: (Gap | null)[];
  /** backends: validation off and/or on in the timed runs */
  validate: boolean[];
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

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/** --timing back-to-back|loop|both (default both), with --gap MS (default 20) and --gap-kind idle|busy (default idle). */
function parseGaps(f: Record<string, string>): (Gap | null)[] {
  const timing = oneOf('timing', f.timing ?? 'both', ['back-to-back', 'loop', 'both']);
  const ms = Number(f.gap ?? '20');
  if (!(Number.isFinite(ms) && ms > 0))
    throw new UsageError(`--gap must be a number of milliseconds > 0, got '${f.gap}'`);
  const gap: Gap = { kind: oneOf<GapKind>('gap-kind', f['gap-kind'] ?? 'idle', GAP_KINDS), ms };
  return timing === 'back-to-back' ? [null] : timing === 'loop' ? [gap] : [null, gap];
}

/** --validate on|off|both (default both): the backends' timed runs with compile's default validation, without, or both. */
function parseValidate(value: string | undefined): boolean[] {
  const v = oneOf('validate', value ?? 'both', ['on', 'off', 'both']);
  return v === 'both' ? [false, true] : [v === 'on'];
}

function parseOptions(args: string[]): PerfOptions {
  const f = parseFlags(args, FLAGS);
  const problem = parsePerfProblem(f);
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
    gaps: parseGaps(f),
    validate: parseValidate(f.validate),
  };
}

const progress = (line: string) => process.stderr.write(`perf: ${line}\n`);

/**
 * Starts, per backend, one worker per program (mode and validation setting) and compiles that program
 * there, so that each process holds one compiled loss as a user's would and its peak memory is that
 * program's alone; a backend any of whose workers is unavailable is closed again.
 */
async function startBackends(names: readonly string[], problem: PerfProblem, validate: readonly boolean[]) {
  const statuses: BackendStatus[] = [];
  const contenders: (Contender & { device: string })[] = [];
  for (const name of names) {
    progress(`starting ${name}`);
    const servers: TimingServer[] = [];
    try {
      const variants: (Contender & { device: string })[] = [];
      const compileMs: Partial<Record<PerfMode, number>> = {};
      let idle: number | null = null;
      let unavailable: string | undefined;
      for (const v of validate) {
        const byMode = {} as Record<PerfMode, TimingServer>;
        let device = '';
        for (const mode of PERF_MODES) {
          const server = startWorker(name);
          servers.push(server);
          const only = { mode, validate: v };
          const setup = await server.request<SetupReply>({ cmd: 'setup', backend: name, problem, only });
          if (!setup.available) {
            unavailable = setup.reason;
            break;
          }
          byMode[mode] = server;
          device = setup.device;
          // compile time and idle memory of the programs a training loop compiles (validation off when timed)
          if (!v || !validate.includes(false)) compileMs[mode] = setup.compile_ms[mode] ?? 0;
          if (mode === 'forward_backward' && (!v || idle === null) && server.pid !== undefined)
            idle = currentRssMb(server.pid);
        }
        if (unavailable !== undefined) break;
        variants.push({ name, server: byMode.forward_backward, byMode, validate: v, device });
      }
      if (unavailable === undefined && variants[0]) {
        const { device } = variants[0];
        const compile_ms = { forward: compileMs.forward ?? 0, forward_backward: compileMs.forward_backward ?? 0 };
        statuses.push({ name, available: true, reason: null, device, compile_ms, idle_rss_mb: idle });
        contenders.push(...variants);
        progress(
          `${name}: ${device}, compiled in ${compile_ms.forward.toFixed(0)} / ${compile_ms.forward_backward.toFixed(0)} ms (one process per program)`,
        );
        continue;
      }
      const reason = unavailable ?? 'no program to compile';
      statuses.push({ name, available: false, reason });
      progress(`${name}: not available: ${reason}`);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      statuses.push({ name, available: false, reason });
      progress(`${name}: could not start: ${reason}`);
    }
    await Promise.all(servers.map((s) => s.close()));
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

  const started = await startBackends(names, problem, options.validate);
  const contenders = started.contenders;
  const statuses = started.statuses.map((s) => (notes.get(s.name) ? { ...s, notes: notes.get(s.name) } : s));
  const pytorch: Contender | undefined = torch.available
    ? { name: 'pytorch', server: startPytorch(options.torchThreads, problem.loss) }
    : undefined;
  // one contender per backend and validation setting (a worker process per program); the original once
  const variants: Contender[] = [...(pytorch ? [pytorch] : []), ...contenders];
  const timedNames = [...new Set(variants.map((c) => c.name))];
  const servers = [...new Set(variants.flatMap((c) => [c.server, ...Object.values(c.byMode ?? {})]))];
  const cells: Cell[] = [];
  const skipped: Skip[] = [];
  try {
    for (const batch of options.batches) {
      const skip = new Set<string>();
      for (const name of timedNames) {
        const why = reasonToSkip(name, batch, cells, options.maxTimeS * 1000);
        if (!why) continue;
        skip.add(name);
        skipped.push({ name, batch, reason: why });
        progress(`batch ${batch}: ${name} skipped: ${why}`);
      }
      const timed = variants.filter((c) => !skip.has(c.name));
      if (timed.length === 0) continue;
      for (const gap of options.gaps) {
        progress(
          `batch ${batch}, ${gapText(gap)}: timing ${timed.map((c) => cellLabel({ name: c.name, validate: c.validate ?? null })).join(', ')}`,
        );
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
            gap,
          )),
        );
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.close()));
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
      gaps: options.gaps,
      validate: options.validate,
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
