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
}

/** Bytes one step moves between the host and the runtime: every feed in, every output out. */
export interface StepTransfer {
  /** parameters, running stats and optimizer slots, plus the batch (images, targets, num_objs, priors) */
  readonly in_bytes: number;
  /** next parameters, running stats and optimizer slots, plus the loss terms */
  readonly out_bytes: number;
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
