/**
 * `bench perf --train`: times one training step (forward, loss, backward, optimizer update) of each
 * training model (perf/train/problems.ts) on every selected backend, through a Trainer, beside PyTorch's own
 * `loss.backward(); optimizer.step()` on the same model and batch (tools/reference/time_train_step.py),
 * interleaved in short rounds. Progress on stderr, a table on stdout, the JSON (perf/train/perf-train-json.ts)
 * with --json FILE.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { parseFlags, parseList, UsageError } from '../args.js';
import { machineInfo } from '../perf/machine.js';
import { currentRssMb } from '../perf/memory.js';
import type { BackendStatus } from '../perf/perf-json.js';
import type { Contender } from '../perf/schedule.js';
import { PYTHON, probeTorchModules, repoRoot, startWorker } from '../perf/servers.js';
import { TimingServer } from '../perf/timing-server.js';
import {
  type TrainModelInfo,
  type TrainPerfJson,
  type TrainSetupInfo,
  trainRows,
} from '../perf/train/perf-train-json.js';
import { problemFile, TRAIN_MODELS, type TrainModel } from '../perf/train/problems.js';
import type { TrainSetupReply } from '../perf/train/protocol.js';
import { measureTrainStep, type TrainCell } from '../perf/train/schedule.js';
import { trainTable } from '../perf/train/table.js';
import { selectBackends } from '../select-backends.js';

const FLAGS = [
  'backends',
  'batch',
  'models',
  'json',
  'repeats',
  'min-time',
  'max-time',
  'warmup',
  'pytorch',
  'torch-threads',
  'state',
] as const;

export const TRAIN_TIMING_NOTE =
  'wall time of one awaited Trainer.step() (the compiled step program: model forward in train mode, loss, ' +
  'backward, optimizer update; parameters, running stats and optimizer slots kept in the runtime between steps ' +
  'where the backend can (--state auto), else fed in and their next values read back every step) beside ' +
  "PyTorch's zero_grad, forward, loss, loss.backward(), optimizer.step() on the same " +
  'model, initial weights and batch; each timed step continues from the previous one; the first step is ' +
  'reported apart and followed by untimed warm-up; implementations take turns in short rounds';
export const TRAIN_TRANSFER_NOTE =
  'host<->runtime bytes of one step, as the Trainer counts them (transfers()): in = the batch (images, targets, ' +
  'num_objs, default boxes) and the step scalars; out = the loss terms and the finite check; plus, where the ' +
  'state is on the host or in onnxruntime tensors in host memory (cpu, wasm, cuda: copied in and out by ' +
  'onnxruntime every run), the parameters, running stats and optimizer slots in and their next values out. ' +
  'State in tfjs tensors or WebGPU buffers does not cross';

const progress = (line: string) => process.stderr.write(`perf --train: ${line}\n`);

function positiveInt(name: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${value}'`);
  return n;
}

function seconds(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n >= min)) throw new UsageError(`--${name} must be a number of seconds >= ${min}`);
  return n;
}

function parseTrainOptions(args: string[]) {
  const f = parseFlags(args, FLAGS);
  const names = parseList(f.models) ?? TRAIN_MODELS.map((m) => m.name);
  const models = names.map((n) => {
    const m = TRAIN_MODELS.find((x) => x.name === n);
    if (!m) throw new UsageError(`unknown model '${n}' (known: ${TRAIN_MODELS.map((x) => x.name).join(', ')})`);
    return m;
  });
  const pytorch = f.pytorch ?? 'auto';
  if (pytorch !== 'auto' && pytorch !== 'off') throw new UsageError(`--pytorch must be auto or off, got '${pytorch}'`);
  const threads = f['torch-threads'];
  const state = f.state ?? 'auto';
  if (state !== 'auto' && state !== 'host' && state !== 'device')
    throw new UsageError(`--state must be auto, host or device, got '${state}'`);
  return {
    state: state as 'auto' | 'host' | 'device',
    backends: parseList(f.backends),
    batch: positiveInt('batch', f.batch ?? '8'),
    models,
    json: f.json,
    minRepeats: positiveInt('repeats', f.repeats ?? '5'),
    minTimeS: seconds('min-time', f['min-time'] ?? '2', 0),
    maxTimeS: seconds('max-time', f['max-time'] ?? '60', 1e-3),
    warmup: positiveInt('warmup', f.warmup ?? '1', 0),
    pytorch,
    // one thread per core by default, what the runtimes under test may use (see commands/perf.ts)
    torchThreads:
      threads === 'default' ? undefined : threads ? positiveInt('torch-threads', threads) : os.cpus().length,
  };
}

function startTrainPytorch(threads: number | undefined): TimingServer {
  return new TimingServer({
    name: 'pytorch',
    command: PYTHON,
    args: ['tools/reference/time_train_step.py', '--serve', ...(threads ? ['--threads', String(threads)] : [])],
    cwd: repoRoot(),
    replies: 'stdout',
  });
}

/** Starts one worker per backend for `model`'s problem file; those that cannot compile it are closed again. */
async function startTrainWorkers(
  names: readonly string[],
  model: TrainModel,
  batch: number,
  file: string,
  state: 'auto' | 'host' | 'device',
) {
  const statuses: BackendStatus[] = [];
  const contenders: Contender[] = [];
  const setups = new Map<string, TrainSetupInfo>();
  let parameters: number | null = null;
  for (const name of names) {
    progress(`${model.name} b${batch}: starting ${name}`);
    const server = startWorker(name, 'train');
    try {
      const setup = await server.request<TrainSetupReply>({
        cmd: 'setup',
        backend: name,
        model: model.name,
        batch,
        file,
        state,
      });
      if (setup.available) {
        statuses.push({
          name,
          available: true,
          reason: null,
          device: setup.device,
          idle_rss_mb: server.pid === undefined ? null : currentRssMb(server.pid),
        });
        setups.set(`${name}/${model.name}/${batch}`, {
          device: setup.device,
          transfer: setup.transfer,
          firstLosses: setup.first_losses,
        });
        parameters = setup.parameters;
        contenders.push({ name, server });
        const losses = Object.entries(setup.first_losses)
          .map(([t, v]) => `${t} ${v.got.toPrecision(6)} (PyTorch ${v.pytorch.toPrecision(6)})`)
          .join(', ');
        progress(
          `${model.name} b${batch}: ${name} on ${setup.device}, compiled in ${setup.compile_ms.toFixed(0)} ms; state ${setup.transfer.state}, ${setup.transfer.in_bytes} B in / ${setup.transfer.out_bytes} B out per step; step 0 ${losses}`,
        );
        continue;
      }
      statuses.push({ name, available: false, reason: setup.reason });
      progress(`${name}: not available: ${setup.reason}`);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      statuses.push({ name, available: false, reason: `${model.name}: ${reason}` });
      progress(`${model.name} b${batch}: ${name} could not set up: ${reason}`);
    }
    await server.close();
  }
  return { statuses, contenders, setups, parameters };
}

export async function runTrainPerf(args: string[]): Promise<number> {
  let options: ReturnType<typeof parseTrainOptions>;
  let names: string[];
  try {
    options = parseTrainOptions(args);
    // by default every runtime; the float64 reference interpreter is a checker, not a runtime to time
    names = selectBackends(options.backends)
      .map((b) => b.name)
      .filter((n) => options.backends !== undefined || n !== 'reference');
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench perf --train: ${err.message}\n`);
    return 2;
  }
  const torch =
    options.pytorch === 'off'
      ? { available: false as const, reason: 'disabled with --pytorch off' }
      : probeTorchModules(options.torchThreads, ['torch', 'torchvision']);
  progress(torch.available ? `PyTorch ${torch.version} (${torch.threads} threads)` : `no PyTorch: ${torch.reason}`);
  const pytorch = torch.available ? startTrainPytorch(options.torchThreads) : undefined;
  const cells: TrainCell[] = [];
  const models: TrainModelInfo[] = [];
  const statuses: BackendStatus[] = [];
  const setups = new Map<string, TrainSetupInfo>();
  try {
    for (const model of options.models) {
      const problem = problemFile(model, options.batch, torch.available);
      if (!problem.available) {
        models.push({
          name: model.name,
          title: model.title,
          batch: options.batch,
          source: null,
          parameters: null,
          reason: problem.reason,
        });
        progress(`${model.name}: not timed: ${problem.reason}`);
        continue;
      }
      const started = await startTrainWorkers(names, model, problem.batch, problem.file, options.state);
      statuses.push(...started.statuses);
      for (const [k, v] of started.setups) setups.set(k, v);
      models.push({
        name: model.name,
        title: model.title,
        batch: problem.batch,
        source: problem.source,
        parameters: started.parameters,
        reason: null,
      });
      const contenders: Contender[] = [
        ...(pytorch ? [{ name: 'pytorch', server: pytorch }] : []),
        ...started.contenders,
      ];
      try {
        progress(`${model.name} b${problem.batch}: timing ${contenders.map((c) => c.name).join(', ')}`);
        const timed = await measureTrainStep(
          contenders,
          { model: model.name, batch: problem.batch },
          {
            minRepeats: options.minRepeats,
            minTimeMs: options.minTimeS * 1000,
            maxTimeMs: options.maxTimeS * 1000,
            warmup: options.warmup,
            chunkMs: Math.max(100, (options.minTimeS * 1000) / 4),
          },
          progress,
        );
        cells.push(...timed);
      } finally {
        await Promise.all(started.contenders.map((c) => c.server.close()));
      }
    }
  } finally {
    await pytorch?.close();
  }
  const perf: TrainPerfJson = {
    train: trainRows(cells, setups),
    models,
    backends: statuses,
    pytorch: torch.available
      ? { available: true, reason: null, version: torch.version, threads: torch.threads }
      : { available: false, reason: torch.reason },
    errors: cells.flatMap((c) => (c.error ? [{ name: c.name, model: c.model, batch: c.batch, error: c.error }] : [])),
    config: {
      date: new Date().toISOString(),
      what: 'one training step: forward, loss (multibox, torchvision profile), backward, SGD Nesterov update',
      batch: options.batch,
      min_repeats: options.minRepeats,
      min_time_s: options.minTimeS,
      max_time_s: options.maxTimeS,
      warmup: options.warmup,
      command: ['pnpm bench perf --train', ...args].join(' '),
      timing: TRAIN_TIMING_NOTE,
      memory:
        'peak_rss_mb: RSS high-water mark of the process running the implementation (one per backend, one for PyTorch; ' +
        'see perf/memory.ts) over its timed requests, runtime and inputs included',
      transfer: TRAIN_TRANSFER_NOTE,
    },
    machine: machineInfo(),
  };
  process.stdout.write(trainTable(perf));
  if (options.json) {
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, `${JSON.stringify(perf, null, 2)}\n`);
    progress(`wrote ${options.json}`);
  }
  return perf.errors.length > 0 || perf.train.length === 0 ? 1 : 0;
}
