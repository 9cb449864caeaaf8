import type { Feeds, HostTensor, LossProgram } from '../backend/contract.js';
import { fail } from '../errors.js';
import { seededRandom } from '../testing/random.js';
import type { TruthRow } from './pack-targets.js';

/**
 * The script that times a loss's PyTorch counterpart beside the backends (`bench perf`), run with
 * /usr/bin/python3 from the repository root as `script ...args --serve [--threads N]`; it answers the JSON-lines
 * protocol of tools/reference/lossgraph_ref/timing.py.
 */
export interface PerfOriginal {
  /** a path from the repository root, e.g. `tools/reference/time_loss.py` */
  readonly script: string;
  /** arguments before `--serve` */
  readonly args: readonly string[];
  /** the Python modules it imports (checked before it is started) */
  readonly modules: readonly string[];
  /** what its rows time, for titles and reports */
  readonly what: string;
}

/** One flag of a loss's timing problem (`bench perf`), besides `--classes`. */
export interface PerfFlag {
  /** without its dashes, e.g. `image-size` */
  readonly flag: string;
  /** its values and default, for the usage text */
  readonly help: string;
}

/**
 * A loss's synthetic timing problem for `bench perf` (part of its registry entry): its defaults and flags, the
 * program and deterministic inputs a timing worker builds, and the PyTorch counterpart timed beside it. `P` is
 * the problem's fields as a perf JSON config records them (`loss` and `classes` always, then the loss's own).
 * Browser-safe: it only builds programs and arrays.
 */
export interface PerfProblemDescription<P extends { readonly loss: string; readonly classes: number }> {
  readonly defaults: { readonly batches: readonly number[]; readonly problem: P };
  readonly flags: readonly PerfFlag[];
  /** the problem from the command line's flag values (LossGraphError 'INVALID_OPTION' on a bad value) */
  parse(values: Readonly<Record<string, string | undefined>>): P;
  /** the problem a perf JSON config recorded (fields missing in older files take the defaults) */
  fromConfig(config: Readonly<Record<string, unknown>>): P;
  /** the program a worker compiles: forward only, or with the gradients (forward+backward) */
  program(problem: P, gradients: boolean): LossProgram;
  /** the synthetic inputs of one batch size (deterministic) */
  feeds(problem: P, batch: number): Feeds;
  /** default boxes or anchors per image */
  boxCount(problem: P): number;
  /** one line naming the loss and its shape, for titles */
  title(problem: P, boxes: number): string;
  /** the PyTorch counterpart timed beside it; null where none is written */
  readonly original: PerfOriginal | null;
}

/** An integer flag value >= min, or LossGraphError 'INVALID_OPTION' naming the flag. */
export function perfInt(flag: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail('INVALID_OPTION', `--${flag} must be an integer >= ${min}, got '${value}'`);
  return n;
}

/** A number a perf JSON config recorded under `field`, or `fallback`. */
export function configNumber(config: Readonly<Record<string, unknown>>, field: string, fallback: number): number {
  const value = config[field];
  return typeof value === 'number' ? value : fallback;
}

/** A string a perf JSON config recorded under `field`, or `fallback`. */
export function configString<S extends string>(
  config: Readonly<Record<string, unknown>>,
  field: string,
  fallback: S,
): S {
  const value = config[field];
  return (typeof value === 'string' ? value : fallback) as S;
}

/** Fills `out` with N(mean, sd²) draws (Box-Muller, two per pair of uniforms from `random`). */
export function fillNormal(out: Float32Array, mean: number, sd: number, random: () => number): Float32Array {
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - random())) * sd;
    const theta = 2 * Math.PI * random();
    out[i] = mean + r * Math.cos(theta);
    if (i + 1 < out.length) out[i + 1] = mean + r * Math.sin(theta);
  }
  return out;
}

/** One image's truths: 2-4 boxes with sides in [imageSize/16, imageSize/2] pixels inside the image, labels in [0, C-1]. */
export function randomPixelTruths(classes: number, imageSize: number, random: () => number): TruthRow[] {
  const count = 2 + Math.floor(random() * 3);
  const rows: TruthRow[] = [];
  for (let k = 0; k < count; k++) {
    const side = () => imageSize * (1 / 16 + random() * (1 / 2 - 1 / 16));
    const w = side();
    const h = side();
    const x0 = random() * (imageSize - w);
    const y0 = random() * (imageSize - h);
    rows.push([x0, y0, x0 + w, y0 + h, Math.floor(random() * classes)]);
  }
  return rows;
}

/** The seeded generator of a synthetic problem's inputs: one stream per (seed, batch, classes, size). */
export function perfRandom(seed: number, batch: number, classes: number, size = 0): () => number {
  return seededRandom(seed * 7919 + batch * 31 + classes + size);
}

/** A float32 host tensor. */
export const f32 = (shape: number[], data: Float32Array): HostTensor => ({ dtype: 'float32', shape, data });

/** RangeError unless batch and classes are integers >= 1 and >= minClasses. */
export function checkPerfShape(batch: number, classes: number, minClasses = 1): void {
  if (!(Number.isInteger(batch) && batch >= 1)) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  if (!(Number.isInteger(classes) && classes >= minClasses))
    throw new RangeError(`classes must be an integer >= ${minClasses}, got ${classes}`);
}
