/** Reading the JSON that `bench validate` and `bench perf` write, tolerating missing or foreign files. */

import { existsSync, readFileSync } from 'node:fs';
import type { PerfJson } from '../perf/perf-json.js';
import { type TrainPerfJson, trainJsonProblem } from '../perf/train/perf-train-json.js';
import type { ProfileJson } from '../profile/ort-profile.js';
import type { ValidateReport, ValidateRow as WrittenRow } from '../validate/types.js';

/**
 * A row of `bench validate --json`; a `tolerance` per output is used when a validate run adds one. Rows
 * written before the bench knew more than one loss have no `loss` (they are all multibox) and the four
 * multibox diffs.
 */
export type ValidateRow = Omit<WrittenRow, 'loss' | 'profile' | 'diag'> & {
  readonly loss?: string | null;
  /** absent in files written before validate checked diagnostics */
  readonly diag?: WrittenRow['diag'];
  readonly profile?: string | null;
  readonly tolerance?: Readonly<Record<string, number>>;
};

/** The loss a row's fixture names: `multibox` for rows written before losses were recorded. */
export const rowLoss = (r: ValidateRow): string =>
  r.loss === undefined ? 'multibox' : (r.loss ?? 'unreadable fixtures');

export interface ValidateJson extends Omit<ValidateReport, 'results' | 'training'> {
  readonly results: ValidateRow[];
  /** training-step rows; absent in files written before validate ran training-step fixtures */
  readonly training?: ValidateReport['training'];
}

export type Loaded<T> =
  | { readonly status: 'read'; readonly path: string; readonly data: T }
  | { readonly status: 'missing' | 'invalid'; readonly path: string; readonly message: string };

function load<T>(path: string, what: string, check: (value: unknown) => string | null): Loaded<T> {
  if (!existsSync(path)) return { status: 'missing', path, message: `${what} file ${path} not found` };
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return {
      status: 'invalid',
      path,
      message: `${what} file ${path} is not JSON: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  const problem = check(value);
  return problem
    ? { status: 'invalid', path, message: `${what} file ${path}: ${problem}` }
    : { status: 'read', path, data: value as T };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function loadValidate(path: string): Loaded<ValidateJson> {
  return load<ValidateJson>(path, 'validate', (v) => {
    if (!isObject(v) || !Array.isArray(v.results)) return 'expected {"results": [...], "backends": [...]}';
    const bad = v.results.findIndex(
      (r) =>
        !isObject(r) || typeof r.fixture !== 'string' || typeof r.backend !== 'string' || typeof r.pass !== 'boolean',
    );
    if (bad >= 0) return `results[${bad}] lacks fixture, backend or pass`;
    if (v.backends !== undefined && !Array.isArray(v.backends)) return '"backends" must be an array';
    if (v.training !== undefined) {
      if (!Array.isArray(v.training)) return '"training" must be an array';
      const badTraining = v.training.findIndex(
        (r) =>
          !isObject(r) || typeof r.fixture !== 'string' || typeof r.backend !== 'string' || typeof r.pass !== 'boolean',
      );
      if (badTraining >= 0) return `training[${badTraining}] lacks fixture, backend or pass`;
    }
    if (v.backends === undefined) (v as { backends: unknown[] }).backends = [];
    return null;
  });
}

export function loadPerf(path: string): Loaded<PerfJson> {
  return load<PerfJson>(path, 'perf', (v) => {
    if (!isObject(v) || !Array.isArray(v.results) || !Array.isArray(v.reference))
      return 'expected {"results": [...], "reference": [...]}';
    const summary = (s: unknown) => isObject(s) && typeof s.median === 'number';
    const bad = v.results.findIndex(
      (r) =>
        !isObject(r) ||
        typeof r.backend !== 'string' ||
        typeof r.batch !== 'number' ||
        !summary(r.forward_ms) ||
        !summary(r.forward_backward_ms),
    );
    if (bad >= 0) return `results[${bad}] lacks backend, batch, forward_ms or forward_backward_ms`;
    const badRef = v.reference.findIndex(
      (r) => !isObject(r) || typeof r.batch !== 'number' || !summary(r.forward_ms) || !summary(r.forward_backward_ms),
    );
    if (badRef >= 0) return `reference[${badRef}] lacks batch, forward_ms or forward_backward_ms`;
    return null;
  });
}

/** `bench perf --train --json`: optional; its rows are checked by perf/train/perf-train-json.ts. */
export function loadTrainPerf(path: string): Loaded<TrainPerfJson> {
  return load<TrainPerfJson>(path, 'training-step perf', trainJsonProblem);
}

export function loadProfile(path: string): Loaded<ProfileJson> {
  return load<ProfileJson>(path, 'profile', (v) => {
    if (!isObject(v) || !Array.isArray(v.ops) || typeof v.kernel_ms !== 'number')
      return 'expected {"ops": [...], "kernel_ms": ...} (bench profile --json)';
    return null;
  });
}
