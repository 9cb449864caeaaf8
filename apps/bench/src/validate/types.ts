/** One fixture × backend result, exactly as `bench validate --json` writes it. */
export interface ValidateRow {
  fixture: string;
  backend: string;
  pass: boolean;
  error: string | null;
  /** worst absolute error per output; null where the run failed or produced a non-finite value */
  diff: { loss_l: number | null; loss_c: number | null; grad_loc: number | null; grad_conf: number | null };
}

export interface ValidateReport {
  results: ValidateRow[];
  backends: { name: string; available: boolean; reason: string | null }[];
}
