/**
 * A training-step timing server for one bench backend, a child process of `bench perf --train` (one per
 * backend, as perf/worker.ts). `setup` loads a problem file, imports its ONNX model and compiles the
 * training step in a Trainer (state kept in the runtime where the backend can, `stateOn: 'auto'`); `time`
 * runs consecutive optimizer steps (each one's next parameters and state feed the next, as in a training
 * loop) and answers their wall times. Replies go to file descriptor 3.
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createTrainer, type Feeds, type Trainer } from '@lossgraph/core';
import { loadTrainingFixture, trainingFixtureLoss } from '@lossgraph/core/testing';
import { importOnnx } from '@lossgraph/onnx';
import { allBackends, type BenchBackend } from '@lossgraph-tools/testing';
import type { StepTransfer, TrainSetupReply, TrainSetupRequest, TrainTimeReply, TrainTimeRequest } from './protocol.js';

interface Loaded {
  readonly backend: BenchBackend;
  readonly key: string;
  readonly trainer: Trainer;
  readonly batch: Feeds;
}

let loaded: Loaded | undefined;
let firstRunMs: number | undefined;

const keyOf = (r: { model: string; batch: number }) => `${r.model}/b${r.batch}`;

/** What the last step moved, as the trainer counted it. */
function stepTransfer(trainer: Trainer): StepTransfer {
  const { lastStep, stateLocation } = trainer.transfers();
  return { in_bytes: lastStep.toDevice, out_bytes: lastStep.toHost, state: stateLocation };
}

async function setup(request: TrainSetupRequest): Promise<TrainSetupReply> {
  const backend = allBackends().find((b) => b.name === request.backend);
  if (!backend) return { available: false, reason: `no bench backend named '${request.backend}'` };
  const availability = await backend.probe();
  if (!availability.available) return { available: false, reason: availability.reason };
  if (loaded) {
    await loaded.trainer.dispose();
    loaded = undefined;
  }
  const fx = await loadTrainingFixture(request.file);
  let device = 'unknown';
  const start = performance.now();
  const model = importOnnx(fx.modelOnnx);
  const trainer = await createTrainer({
    model,
    loss: trainingFixtureLoss(fx),
    optimizer: fx.optimizer,
    compile: async (program, options) => {
      const compiled = await backend.compile(program, options);
      device = compiled.device;
      return compiled;
    },
    // inputs are checked by the first step; a training loop compiles without per-step validation
    compileOptions: { validate: false },
    stateOn: request.state ?? 'auto',
  });
  const compileMs = performance.now() - start;
  const batch = fx.batch as Feeds;
  // the first step is also the first timed run: PyTorch's step 0 from the same initial state
  const firstStart = performance.now();
  const losses = await trainer.step(batch);
  firstRunMs = performance.now() - firstStart;
  // the bytes of a step in a loop: the first one also feeds the initial state from the host
  await trainer.step(batch);
  const transfer = stepTransfer(trainer);
  const firstLosses = Object.fromEntries(
    fx.terms.map((term) => [
      term,
      { got: losses[term] ?? Number.NaN, pytorch: fx.expected.losses[term]?.[0] ?? Number.NaN },
    ]),
  );
  const parameters = model.parameters.reduce((n, p) => n + p.data.length, 0);
  loaded = { backend, key: keyOf(request), trainer, batch };
  return {
    available: true,
    device,
    compile_ms: compileMs,
    parameters,
    transfer,
    first_losses: firstLosses,
  };
}

let rssAfterRuns = 0;

async function steps(n: number): Promise<number[]> {
  if (!loaded) throw new Error('time before a successful setup');
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await loaded.trainer.step(loaded.batch);
    times.push(performance.now() - start);
  }
  rssAfterRuns = Math.max(rssAfterRuns, process.memoryUsage.rss());
  return times;
}

async function time(request: TrainTimeRequest): Promise<TrainTimeReply> {
  if (!loaded || firstRunMs === undefined) throw new Error('time before a successful setup');
  if (keyOf(request) !== loaded.key) throw new Error(`this worker loaded ${loaded.key}, not ${keyOf(request)}`);
  rssAfterRuns = 0;
  await steps(request.warmup ?? 0);
  const times = await steps(request.repeats);
  return { times_ms: times, first_run_ms: firstRunMs, rss_after_runs_mb: rssAfterRuns / 2 ** 20 };
}

async function shutdown(): Promise<void> {
  if (!loaded) return;
  await loaded.trainer.dispose();
  await loaded.backend.close?.();
  loaded = undefined;
}

const REPLY_FD = 3;
const reply = (value: unknown) => writeSync(REPLY_FD, `${JSON.stringify(value)}\n`);

async function serve(): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    try {
      const request = JSON.parse(line) as TrainSetupRequest | TrainTimeRequest | { cmd: 'quit' };
      if (request.cmd === 'quit') break;
      if (request.cmd === 'setup') reply(await setup(request));
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
    process.stderr.write(`perf train worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
