import type { TrainingRow } from './training.js';

/** A row's diagnostics against the fixture's companion file (docs/FIXTURES.md, "Diagnostics"). */
export interface DiagnosticsCheck {
  /** every diagnostic output present, masks and indices equal, floats within the loss-term tolerance */
  pass: boolean;
  /** worst absolute error over the float diagnostics; null where the run failed or a value is not finite */
  worst: number | null;
  /** differing elements per compared diagnostic output (absent: the output was missing or misshapen) */
  mismatches: Record<string, number>;
}

/** One fixture × backend result, exactly as `bench validate --json` writes it. */
export interface ValidateRow {
  fixture: string;
  /** the registered loss the fixture names; null when the file could not be read */
  loss: string | null;
  /** the multibox profile (`seed`, `torchvision`); null for other losses and unreadable files */
  profile: string | null;
  backend: string;
  pass: boolean;
  error: string | null;
  /**
   * worst absolute error per loss term and gradient of the fixture's loss (`loss_l`, `grad_conf`, ... or
   * `loss_cls`, `grad_bbox_regression`, ...); null where the run failed or produced a non-finite value
   */
  diff: Record<string, number | null>;
  /** the diagnostics check; null when the fixture has no companion file `diagnostics/<name>.safetensors` */
  diag: DiagnosticsCheck | null;
}

export interface ValidateReport {
  results: ValidateRow[];
  /** the training-step fixtures (`train_*.safetensors`) × backends (validate/training.ts) */
  training: TrainingRow[];
  backends: { name: string; available: boolean; reason: string | null }[];
}
