/**
 * The JSON-lines protocol between `bench perf` and its timing servers: one child process per backend
 * (perf/worker.ts) and, for the PyTorch counterpart, the script the loss's registry entry names, run with
 * --serve (tools/reference/time_*.py). All answer `time` the same way, so the scheduler treats them alike.
 */
import type { PerfProblem } from './problems.js';

export type PerfMode = 'forward' | 'forward_backward';
export const PERF_MODES: readonly PerfMode[] = ['forward', 'forward_backward'];

/**
 * What comes before each timed call in the training-loop timing: `idle` sleeps for `ms` (the loss waits
 * while a GPU or another process runs the model), `busy` keeps the calling thread working for `ms`
 * over a scratch buffer larger than the caches (a model step on the same CPU). Without a gap the calls
 * run back to back.
 */
export interface Gap {
  readonly kind: GapKind;
  readonly ms: number;
}
export type GapKind = 'idle' | 'busy';
export const GAP_KINDS: readonly GapKind[] = ['idle', 'busy'];

/** Times `repeats` calls after `warmup` untimed ones; the first call of a shape and mode is timed on its own. */
export type TimeRequest = PerfProblem & {
  readonly cmd: 'time';
  readonly batch: number;
  readonly mode: PerfMode;
  readonly repeats: number;
  readonly warmup?: number;
  /** before each timed call (not before the first call or the warm-up); absent: back to back */
  readonly gap?: Gap;
  /** worker only: time the loss compiled with validation on (the default of `compile`); absent: off */
  readonly validate?: boolean;
};

export interface TimeReply {
  readonly times_ms: number[];
  /** the first call of this shape and mode in the server's life */
  readonly first_run_ms: number;
  /** worker only: the highest process RSS seen right after a run of this request */
  readonly rss_after_runs_mb?: number;
  /** worker only: minor page faults of the process per timed call (fresh memory touched by each run) */
  readonly minor_faults_per_run?: number;
  /**
   * Browser backends, whose times are run() inside the page on feeds already there: moving the feeds
   * into the page and the outputs out, per call of this request (median), timed apart.
   */
  readonly transfer_ms?: { readonly in: number; readonly out: number };
}

/** One compiled program: a mode, with validation on (compile's default) or off. */
export interface ProgramChoice {
  readonly mode: PerfMode;
  readonly validate: boolean;
}

/** Worker only: probe the backend and compile the programs of the problem (outside any timing). */
export interface SetupRequest {
  readonly cmd: 'setup';
  readonly backend: string;
  readonly problem: PerfProblem;
  /** also compile both programs with validation on (the default of `compile`), for `validate: true` requests */
  readonly withValidation?: boolean;
  /**
   * Compile only this program (`withValidation` is then ignored): a process holding one compiled loss,
   * as a user's, so that its peak memory is that program's alone (`bench perf` starts one per program).
   */
  readonly only?: ProgramChoice;
}

export type SetupReply =
  | {
      readonly available: true;
      readonly device: string;
      /** per mode compiled (one with `only`) */
      readonly compile_ms: Partial<Record<PerfMode, number>>;
    }
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
