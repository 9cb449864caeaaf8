/**
 * What a report says, computed from the validate and perf JSON: this is report.json, and the source of
 * report.md and report.html.
 */

import type { MachineInfo } from '../perf/machine.js';
import type { PerfJson } from '../perf/perf-json.js';
import type { TrainPerfJson } from '../perf/train/perf-train-json.js';
import type { ProfileJson } from '../profile/ort-profile.js';
import { type Loaded, rowLoss, type ValidateJson, type ValidateRow } from './inputs.js';
import type { Tolerance } from './tolerances.js';

export interface AccuracyCell {
  readonly backend: string;
  readonly fixture: string;
  /** the fixture's loss (the report groups cells by it) */
  readonly loss: string;
  readonly pass: boolean;
  /** false when the run gave no numbers at all (unavailable backend, unreadable fixture, a thrown error) */
  readonly ran: boolean;
  readonly error: string | null;
  readonly diff: ValidateRow['diff'] | null;
  readonly tolerance: Tolerance | null;
  /** worst diff / tolerance over the compared outputs; null without a tolerance or without numbers */
  readonly ratio: number | null;
}

export interface TargetCheck {
  readonly target: string;
  readonly backend: string;
  readonly wanted: number;
  readonly measured: number | null;
  readonly status: 'met' | 'missed' | 'not measured';
  readonly why: string | null;
}

export interface InputNote {
  readonly path: string;
  readonly status: 'read' | 'missing' | 'invalid';
  readonly message: string | null;
}

export interface ReportData {
  readonly date: string;
  readonly generated_at: string;
  readonly inputs: {
    readonly validate: InputNote;
    readonly perf: InputNote;
    /** one per file of `loss_perf` */
    readonly loss_perf?: InputNote[];
    readonly train_perf?: InputNote;
  };
  /** the machine perf ran on (from the perf JSON), else the one that wrote the report */
  readonly machine: MachineInfo;
  readonly machine_source: 'perf run' | 'report host';
  readonly commands: string[];
  readonly targets: TargetCheck[];
  readonly accuracy: {
    readonly backends: string[];
    readonly fixtures: string[];
    readonly cells: AccuracyCell[];
  } | null;
  readonly validate: ValidateJson | null;
  readonly perf: PerfJson | null;
  /** `bench perf --loss <other loss> --json`: runs of the other registered losses, each beside its PyTorch counterpart */
  readonly loss_perf: PerfJson[];
  /** `bench perf --train --json`: one training step per backend beside PyTorch; null when not given */
  readonly train_perf?: TrainPerfJson | null;
  /** `bench profile --json`: onnxruntime-node-cpu kernel time by op type; null when not given */
  readonly profile: ProfileJson | null;
  /** `bench profile --loss <other loss> --json`: the same for the other registered losses */
  readonly loss_profile?: ProfileJson[];
}

/** The speed targets: at SSD300, 21 classes, batch 32, forward+backward, speed-up over PyTorch. */
export const TARGETS = [
  { backend: 'onnxruntime-node-cpu', wanted: 3, target: 'onnxruntime-node-cpu at least 3× faster than PyTorch' },
  {
    backend: 'onnxruntime-node-cpu',
    wanted: 4,
    target: 'stretch: onnxruntime-node-cpu at least 4× faster than PyTorch',
  },
  {
    backend: 'onnxruntime-web-wasm',
    wanted: 1.8,
    target: 'onnxruntime-web-wasm (Node) at least 1.8× faster than PyTorch',
  },
  { backend: 'tfjs-wasm', wanted: 0.8, target: 'tfjs-wasm (Node) at least 0.8× the speed of PyTorch' },
  { backend: 'tfjs-wasm', wanted: 1, target: 'stretch: tfjs-wasm (Node) no slower than PyTorch' },
  {
    backend: 'browser-onnxruntime-web-wasm',
    wanted: 1.5,
    target: 'browser-onnxruntime-web-wasm (timed in the page) at least 1.5× faster than PyTorch',
  },
  {
    backend: 'onnxruntime-node-cpu',
    wanted: 5,
    target:
      "onnxruntime-node-cpu with compile()'s defaults (validation on), back to back, at least 5× faster than PyTorch",
    condition: { loop: false, validate: true },
  },
  {
    backend: 'onnxruntime-node-cpu',
    wanted: 5,
    target:
      "onnxruntime-node-cpu with compile()'s defaults (validation on) in the training-loop timing, at least 5× faster than PyTorch with the same gap",
    condition: { loop: true, validate: true },
  },
] as const;
export const TARGET_SHAPE = { priors: 'ssd300', classes: 21, batch: 32 } as const;

export function checkTargets(perf: PerfJson | null): TargetCheck[] {
  return TARGETS.map((t) => {
    const miss = (why: string): TargetCheck => ({ ...t, measured: null, status: 'not measured', why });
    if (!perf) return miss('no perf results');
    if (perf.config?.loss !== undefined && perf.config.loss !== 'multibox')
      return miss(`the perf run timed the ${perf.config.loss} loss, the targets are for the MultiBoxLoss`);
    if (perf.config && (perf.config.priors !== TARGET_SHAPE.priors || perf.config.classes !== TARGET_SHAPE.classes)) {
      return miss(
        `perf ran ${perf.config.priors} with ${perf.config.classes} classes, the targets are for ssd300 with 21`,
      );
    }
    if ('condition' in t) {
      const { loop, validate } = t.condition;
      const timed = perf.conditions?.find(
        (c) =>
          c.impl === t.backend &&
          c.batch === TARGET_SHAPE.batch &&
          (c.gap !== null) === loop &&
          c.validate === validate,
      );
      if (!timed) return miss(`${t.backend} was not timed ${loop ? 'with a gap' : 'back to back'} with validation on`);
      const ratio = timed.speedup_vs_pytorch?.forward_backward;
      if (ratio === undefined) return miss(`PyTorch was not timed in that condition at batch ${TARGET_SHAPE.batch}`);
      return { ...t, measured: ratio, status: ratio >= t.wanted ? 'met' : 'missed', why: null };
    }
    const row = perf.results.find((r) => r.backend === t.backend && r.batch === TARGET_SHAPE.batch);
    if (!row) return miss(`${t.backend} was not timed at batch ${TARGET_SHAPE.batch}`);
    const torch = perf.reference.find((r) => r.batch === TARGET_SHAPE.batch);
    if (!torch) return miss(`PyTorch was not timed at batch ${TARGET_SHAPE.batch}`);
    const measured = torch.forward_backward_ms.median / row.forward_backward_ms.median;
    return { ...t, measured, status: measured >= t.wanted ? 'met' : 'missed', why: null };
  });
}

export function accuracyCells(validate: ValidateJson, tolerances: ReadonlyMap<string, Tolerance>): AccuracyCell[] {
  return validate.results.map((r) => {
    const tolerance = r.tolerance ?? tolerances.get(r.fixture) ?? null;
    const diff = r.diff ?? null;
    // validate writes null for an output that was not finite, and all nulls when the run itself failed
    const names = diff === null ? [] : Object.keys(diff);
    const ran = diff !== null && names.some((n) => diff[n] != null);
    let ratio: number | null = null;
    if (tolerance && ran)
      ratio = Math.max(
        ...names.map((n) => (diff[n] == null || tolerance[n] === undefined ? Infinity : diff[n]! / tolerance[n]!)),
      );
    return {
      backend: r.backend,
      fixture: r.fixture,
      loss: rowLoss(r),
      pass: r.pass,
      ran,
      error: r.error ?? null,
      diff,
      tolerance,
      ratio,
    };
  });
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

export function accuracyOf(
  validate: ValidateJson | null,
  tolerances: ReadonlyMap<string, Tolerance>,
): ReportData['accuracy'] {
  if (!validate) return null;
  const cells = accuracyCells(validate, tolerances);
  return { backends: unique(cells.map((c) => c.backend)), fixtures: unique(cells.map((c) => c.fixture)), cells };
}

export function inputNote<T>(loaded: Loaded<T>): InputNote {
  return { path: loaded.path, status: loaded.status, message: loaded.status === 'read' ? null : loaded.message };
}

interface OptionalInput<T> {
  readonly path: string;
  readonly data: T | null;
}

/** The perf command as it was run (when recorded), writing to `path`. */
function perfCommand(path: string, perf: PerfJson | null, fallback: string): string {
  const command = perf?.config?.command?.replace(/--json\s+\S+/, `--json ${path}`) ?? `${fallback} --json ${path}`;
  return command.includes('--json') ? command : `${command} --json ${path}`;
}

/** The commands that reproduce this report (the perf commands as they were run, when recorded). */
export function reproduceCommands(
  validatePath: string,
  perfPath: string,
  perf: PerfJson | null,
  profile?: OptionalInput<ProfileJson>,
  lossPerf: readonly OptionalInput<PerfJson>[] = [],
  lossProfile: readonly OptionalInput<ProfileJson>[] = [],
): string[] {
  const withProfile = profile?.data != null;
  const runs = lossPerf.filter((r) => r.data != null);
  const lossPerfFlag = runs.length > 0 ? ` --loss-perf ${runs.map((r) => r.path).join(',')}` : '';
  const profiles = lossProfile.filter((r) => r.data != null);
  const lossProfileFlag = profiles.length > 0 ? ` --loss-profile ${profiles.map((r) => r.path).join(',')}` : '';
  return [
    `pnpm bench validate --json ${validatePath}`,
    perfCommand(perfPath, perf, 'pnpm bench perf'),
    ...runs.map((r) => perfCommand(r.path, r.data, `pnpm bench perf --loss ${r.data?.config?.loss}`)),
    ...(withProfile ? [profile.data!.command.replace(/--json\s+\S+/, `--json ${profile.path}`)] : []),
    ...profiles.map((r) => r.data!.command.replace(/--json\s+\S+/, `--json ${r.path}`)),
    `pnpm bench report --validate ${validatePath} --perf ${perfPath}${lossPerfFlag}${withProfile ? ` --profile ${profile.path}` : ''}${lossProfileFlag}`,
  ];
}
