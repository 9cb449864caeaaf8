/**
 * The JSON-lines protocol between `bench perf` and its timing servers: one child process per backend
 * (perf/worker.ts) and, for the PyTorch counterpart, the script the loss's registry entry names, run with
 * --serve (tools/reference/time_*.py). All answer `time` the same way, so the scheduler treats them alike.
 */
import type { PerfProblem } from './problems.js';

export type PerfMode = 'forward' | 'forward_backward';
export const PERF_MODES: readonly PerfMode[] = ['forward', 'forward_backward'];

/** Times `repeats` calls after `warmup` untimed ones; the first call of a shape and mode is timed on its own. */
export type TimeRequest = PerfProblem & {
  readonly cmd: 'time';
  readonly batch: number;
  readonly mode: PerfMode;
  readonly repeats: number;
  readonly warmup?: number;
};

export interface TimeReply {
  readonly times_ms: number[];
  /** the first call of this shape and mode in the server's life */
  readonly first_run_ms: number;
  /** worker only: the highest process RSS seen right after a run of this request */
  readonly rss_after_runs_mb?: number;
  /**
   * Browser backends, whose times are run() inside the page on feeds already there: moving the feeds
   * into the page and the outputs out, per call of this request (median), timed apart.
   */
  readonly transfer_ms?: { readonly in: number; readonly out: number };
}

/** Worker only: probe the backend and compile both programs of the problem (outside any timing). */
export interface SetupRequest {
  readonly cmd: 'setup';
  readonly backend: string;
  readonly problem: PerfProblem;
}

export type SetupReply =
  | { readonly available: true; readonly device: string; readonly compile_ms: Record<PerfMode, number> }
  | { readonly available: false; readonly reason: string };

export interface QuitRequest {
  readonly cmd: 'quit';
}

export type WorkerRequest = TimeRequest | SetupRequest | QuitRequest;

/** Any reply may be an error instead. */
export interface ErrorReply {
  readonly error: string;
}

export function isErrorReply(reply: unknown): reply is ErrorReply {
  return typeof reply === 'object' && reply !== null && typeof (reply as ErrorReply).error === 'string';
}
