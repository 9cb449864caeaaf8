import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostTensor } from '../backend/contract.js';
import { multiboxTrainingLoss } from '../losses/multibox/training-loss.js';
import { loadCheckpoint, saveCheckpoint } from '../node/checkpoint-file.js';
import { cosineLr, warmup } from '../training/lr-schedule.js';
import type { OptimizerOptions } from '../training/optimizer-options.js';
import { type BackendCompile, createTrainer, type Trainer } from '../training/trainer.js';
import { loadOptimReference } from './optim-reference.js';

export interface TrainerResumeOptions {
  /** steps of the whole run (default 6) */
  readonly steps?: number;
  /** the step count at which the checkpoint is written and the run resumed by a new trainer (default 3) */
  readonly resumeAt?: number;
  /** default Adam with weight decay (its bias correction reads the step count) */
  readonly optimizer?: OptimizerOptions;
  /** where the trainers keep their state (default 'host') */
  readonly stateOn?: 'host' | 'device';
}

/** Where two tensors differ in any bit (float values compared as their float32 or float64 bits), or undefined. */
function bitDifference(name: string, got: HostTensor | undefined, want: HostTensor): string | undefined {
  if (got === undefined) return `${name}: missing`;
  if (got.data.constructor !== want.data.constructor)
    return `${name}: ${got.data.constructor.name} after resuming, ${want.data.constructor.name} uninterrupted`;
  const a = new Uint8Array(got.data.buffer, got.data.byteOffset, got.data.byteLength);
  const b = new Uint8Array(want.data.buffer, want.data.byteOffset, want.data.byteLength);
  if (a.length !== b.length) return `${name}: ${a.length} bytes after resuming, ${b.length} uninterrupted`;
  const bytes = want.data.BYTES_PER_ELEMENT;
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i]) {
      const k = Math.floor(i / bytes);
      return `${name}[${k}]: ${got.data[k]} after resuming, ${want.data[k]} uninterrupted`;
    }
  return undefined;
}

/**
 * Trains the tiny detector of the optimizer reference (warm-up then cosine learning rates) for `steps`
 * steps twice with `compile`: once uninterrupted, once stopped after `resumeAt` steps, checkpointed to a
 * file (`saveCheckpoint`), disposed, and resumed by a new trainer (`loadCheckpoint`). Returns one line per
 * loss, parameter or state tensor of the resumed run that is not bit-identical to the uninterrupted one.
 */
export async function trainerResumeDifferences(
  compile: BackendCompile,
  options: TrainerResumeOptions = {},
): Promise<string[]> {
  const { steps = 6, resumeAt = 3 } = options;
  const ref = await loadOptimReference();
  const make = () =>
    createTrainer({
      model: ref.model,
      loss: multiboxTrainingLoss(),
      optimizer: options.optimizer ?? { type: 'adam', lr: 0.05, weightDecay: 1e-3 },
      compile,
      lr: warmup(cosineLr({ lr: 0.05, tMax: steps }), { steps: 2, startFactor: 0.5 }),
      stateOn: options.stateOn ?? 'host',
    });
  const run = async (trainer: Trainer, count: number) => {
    const losses: Record<string, number>[] = [];
    for (let k = 0; k < count; k++) losses.push(await trainer.step(ref.batch));
    return losses;
  };
  const whole = await make();
  const folder = await mkdtemp(join(tmpdir(), 'lossgraph-resume-'));
  try {
    const wantLosses = (await run(whole, steps)).slice(resumeAt);
    const first = await make();
    await run(first, resumeAt);
    const path = join(folder, 'checkpoint.safetensors');
    await saveCheckpoint(first, path);
    await first.dispose();
    const resumed = await make();
    try {
      await loadCheckpoint(resumed, path);
      const failures: (string | undefined)[] = [];
      if (resumed.stepCount !== resumeAt)
        failures.push(`step count ${resumed.stepCount} after loading, not ${resumeAt}`);
      const gotLosses = await run(resumed, steps - resumeAt);
      wantLosses.forEach((terms, k) => {
        for (const [term, want] of Object.entries(terms))
          if (!Object.is(gotLosses[k]?.[term], want))
            failures.push(
              `${term} of step ${resumeAt + k + 1}: ${gotLosses[k]?.[term]} after resuming, ${want} uninterrupted`,
            );
      });
      const got = resumed.state();
      for (const [name, t] of Object.entries(whole.state())) failures.push(bitDifference(name, got[name], t));
      return failures.filter((f): f is string => f !== undefined);
    } finally {
      await resumed.dispose();
    }
  } finally {
    await whole.dispose();
    await rm(folder, { recursive: true, force: true });
  }
}
