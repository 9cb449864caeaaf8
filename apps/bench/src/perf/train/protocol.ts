/**
 * The JSON-lines protocol between `bench perf --train` and its timing servers: one child process per
 * backend (train/worker.ts) and tools/reference/time_train_step.py --serve for PyTorch. Both answer `time`
 * with the times of consecutive optimizer steps, so the schedule treats them alike.
 */

/** Times `repeats` steps after `warmup` untimed ones; the first step of a model and batch is timed on its own. */
export interface TrainTimeRequest {
  readonly cmd: 'time';
  /** a name of TRAIN_MODELS (train/problems.ts) */
  readonly model: string;
  readonly batch: number;
  readonly repeats: number;
  readonly warmup?: number;
}

export interface TrainTimeReply {
  readonly times_ms: number[];
  readonly first_run_ms: number;
  /** worker only: the highest process RSS seen right after a step of this request */
  readonly rss_after_runs_mb?: number;
}

/** Worker only: load a problem file (training-step fixture format), import its model, compile its step. */
export interface TrainSetupRequest {
  readonly cmd: 'setup';
  readonly backend: string;
  readonly model: string;
  readonly batch: number;
  /** path of the problem's safetensors file */
  readonly file: string;
  /** the Trainer's `stateOn` (default 'auto': kept in the runtime where the backend can) */
  readonly state?: 'host' | 'device' | 'auto';
}

/** Bytes one step moved between host memory and the runtime, as the Trainer counted them (`transfers()`). */
export interface StepTransfer {
  /** the batch and step scalars, plus, with the state on the host (or in ORT tensors in host memory), every parameter, running stat and optimizer slot */
  readonly in_bytes: number;
  /** the loss terms (and the finite check), plus, as for in_bytes, the next values of the state */
  readonly out_bytes: number;
  /** where the state lives between steps: 'host', 'gpu-buffer', 'tfjs tensor (wasm)', ... */
  readonly state: string;
}

export type TrainSetupReply =
  | {
      readonly available: true;
      readonly device: string;
      readonly compile_ms: number;
      readonly parameters: number;
      readonly transfer: StepTransfer;
      /** the first step's loss terms beside PyTorch's float32 step 0 in the problem file */
      readonly first_losses: Record<string, { readonly got: number; readonly pytorch: number }>;
    }
  | { readonly available: false; readonly reason: string };
