/**
 * `bench validate` on training-step fixtures (docs/FIXTURES.md, "Training steps"): each `train_*.safetensors`
 * of the folder on each backend, checked by core's runner (`runTrainingFixture`): import the model, compile the
 * training step with the backend's compile, run `steps` steps feeding the outputs back, compare under the
 * file's tolerances.
 */
import {
  fixtureName,
  listTrainingFixtureFiles,
  loadTrainingFixture,
  runTrainingFixture,
  type TrainingFixtureResult,
} from '@lossgraph/core/testing';
import { importOnnx } from '@lossgraph/onnx';
import type { Availability, BenchBackend } from '@lossgraph-tools/testing';

/** The quantities a training-step fixture compares, in table order. */
export const TRAINING_QUANTITIES = ['loss', 'grad', 'param', 'state', 'eval'] as const;
export type TrainingQuantityName = (typeof TRAINING_QUANTITIES)[number];

/** One training-step fixture × backend, exactly as `bench validate --json` writes it under `training`. */
export interface TrainingRow {
  kind: 'train';
  fixture: string;
  /** the loss the fixture names; null when the file could not be read */
  loss: string | null;
  /** the optimizer the fixture names (`sgd`, `adam`, `adamw`); null when the file could not be read */
  optimizer: string | null;
  steps: number | null;
  backend: string;
  pass: boolean;
  /** every value outside its tolerance, or why the run gave no numbers */
  error: string | null;
  /**
   * per quantity, the worst error as a fraction of its bound (error / (tolerance · scale), docs/FIXTURES.md
   * "Training steps"; ≤ 1 passes); null where the run failed or gave a non-finite value
   */
  worst: Record<TrainingQuantityName, number | null>;
  /** wall time of the row: import, compiles, steps and the eval run */
  seconds: number;
}

const NO_NUMBERS: TrainingRow['worst'] = { loss: null, grad: null, param: null, state: null, eval: null };

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** At most a few failure lines in a row (a failing backend can miss every tensor of a model). */
function failureText(failures: readonly string[]): string {
  const shown = failures.slice(0, 4).join('; ');
  return failures.length > 4 ? `${shown}; and ${failures.length - 4} more` : shown;
}

/** The row of a finished run. */
export function trainingRowOf(
  base: Pick<TrainingRow, 'fixture' | 'loss' | 'optimizer' | 'steps' | 'backend' | 'seconds'>,
  result: Pick<TrainingFixtureResult, 'pass' | 'failures' | 'worst'>,
): TrainingRow {
  const worst = Object.fromEntries(
    TRAINING_QUANTITIES.map((q) => [q, Number.isFinite(result.worst[q]) ? result.worst[q] : null]),
  ) as TrainingRow['worst'];
  const { seconds, ...what } = base;
  return {
    kind: 'train',
    ...what,
    pass: result.pass,
    error: result.pass ? null : failureText(result.failures),
    worst,
    seconds,
  };
}

/** The training-step fixtures of a folder. */
export const trainingFixtureFiles = (dir: string): Promise<string[]> => listTrainingFixtureFiles(dir);

/**
 * Runs every training-step fixture of `files` on every backend of `runOn`, a row each (one bad file or
 * backend never stops the run). Backends come with their probe result: an unavailable one gives failed rows.
 */
export async function validateTraining(
  files: readonly string[],
  runOn: readonly { b: BenchBackend; a: Availability }[],
  log: (line: string) => void,
): Promise<TrainingRow[]> {
  const rows: TrainingRow[] = [];
  const total = files.length * runOn.length;
  for (const file of files) {
    const name = fixtureName(file);
    let fx: Awaited<ReturnType<typeof loadTrainingFixture>> | undefined;
    let loadError = '';
    try {
      fx = await loadTrainingFixture(file);
    } catch (err) {
      loadError = message(err);
    }
    for (const { b, a } of runOn) {
      const t0 = performance.now();
      const seconds = () => Number(((performance.now() - t0) / 1000).toFixed(2));
      const base = {
        fixture: name,
        loss: fx?.loss ?? null,
        optimizer: fx?.optimizer.type ?? null,
        steps: fx?.steps ?? null,
        backend: b.name,
      };
      const failed = (error: string): TrainingRow => ({
        kind: 'train',
        ...base,
        pass: false,
        error,
        worst: { ...NO_NUMBERS },
        seconds: seconds(),
      });
      let row: TrainingRow;
      if (!a.available) row = failed(`backend unavailable: ${a.reason}`);
      else if (fx === undefined) row = failed(loadError);
      else {
        try {
          const result = await runTrainingFixture(
            (program, options) => b.compile(program, options),
            fx,
            (bytes) => importOnnx(bytes),
          );
          row = trainingRowOf({ ...base, seconds: seconds() }, result);
          // a model without running stats compares no state: no number rather than a 0
          if (fx.expected.state.size === 0) row.worst.state = null;
        } catch (err) {
          row = failed(message(err));
        }
      }
      rows.push(row);
      log(
        `[train ${rows.length}/${total}] ${row.fixture} × ${row.backend}: ${row.pass ? 'pass' : 'FAIL'} (${row.seconds} s)${row.error ? ` — ${row.error}` : ''}`,
      );
    }
  }
  return rows;
}

const fmt = (x: number | null): string => (x === null ? '-' : x === 0 ? '0' : x.toPrecision(2));

/** The "training steps" table: a line per fixture × backend with the worst error / bound of each quantity. */
export function formatTrainingTable(rows: readonly TrainingRow[]): string[] {
  if (rows.length === 0) return [];
  const header = ['fixture', 'optimizer', 'backend', 'result', ...TRAINING_QUANTITIES, 'seconds'];
  const cells = rows.map((r) => [
    r.fixture,
    r.optimizer ?? '-',
    r.backend,
    r.pass ? 'pass' : 'FAIL',
    ...TRAINING_QUANTITIES.map((q) => fmt(r.worst[q])),
    r.seconds.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const failed = rows.filter((r) => !r.pass);
  return [
    'training steps (worst error / tolerance bound per quantity; ≤ 1 passes):',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
    ...(failed.length
      ? ['', 'training-step failures:', ...failed.map((r) => `  ${r.fixture} × ${r.backend}: ${r.error}`)]
      : []),
  ];
}
