import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { multiboxTrainingLoss } from '../losses/multibox/training-loss.js';
import type { BackendCompile } from '../training/trainer.js';
import { createTrainer } from '../training/trainer.js';
import { loadOptimReference } from './optim-reference.js';

/** Memory after a number of steps: the process's, and what `probe` counts (tf.memory().numTensors). */
export interface MemorySample {
  readonly step: number;
  readonly rssMiB: number;
  readonly heapMiB: number;
  /** memory of ArrayBuffers (the host tensors live here) */
  readonly arrayBuffersMiB: number;
  readonly probe: number;
}

export interface TrainerMemoryOptions {
  /** steps after the warm-up (default 1000) */
  readonly steps?: number;
  /** steps before the first sample, so that lazily made buffers and compiled kernels exist (default 50) */
  readonly warmup?: number;
  /** a sample every this many steps (default 100) */
  readonly every?: number;
  /** a backend's own count to watch (tf.memory().numTensors); default none (0) */
  readonly probe?: () => number;
  /** where the trainer keeps its state (default 'host') */
  readonly stateOn?: 'host' | 'device';
}

const MiB = 1024 * 1024;

/** V8's full collection, so that samples count live memory only (the flag exposes `gc` to new contexts). */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Trains the tiny detector of the optimizer reference (SGD with momentum) for `warmup + steps` steps with
 * `compile`, each `every` steps also running `evalOutputs` once and taking a sample of memory (after a full
 * garbage collection). For showing that a long run holds no more memory
 * than a short one: no leaked tensors, sessions or host copies.
 */
export async function trainerMemorySamples(
  compile: BackendCompile,
  options: TrainerMemoryOptions = {},
): Promise<MemorySample[]> {
  const { steps = 1000, warmup = 50, every = 100, probe = () => 0 } = options;
  const ref = await loadOptimReference();
  const trainer = await createTrainer({
    model: ref.model,
    loss: multiboxTrainingLoss(),
    optimizer: { type: 'sgd', lr: 0.01, momentum: 0.9 },
    compile,
    stateOn: options.stateOn ?? 'host',
  });
  const gc = collector();
  const samples: MemorySample[] = [];
  const sample = (step: number) => {
    gc?.();
    const m = process.memoryUsage();
    samples.push({
      step,
      rssMiB: m.rss / MiB,
      heapMiB: m.heapUsed / MiB,
      arrayBuffersMiB: m.arrayBuffers / MiB,
      probe: probe(),
    });
  };
  try {
    for (let k = 0; k < warmup; k++) await trainer.step(ref.batch);
    await trainer.evalOutputs(ref.batch);
    sample(0);
    for (let k = 1; k <= steps; k++) {
      await trainer.step(ref.batch);
      if (k % every === 0) {
        await trainer.evalOutputs(ref.batch);
        sample(k);
      }
    }
  } finally {
    await trainer.dispose();
  }
  return samples;
}
