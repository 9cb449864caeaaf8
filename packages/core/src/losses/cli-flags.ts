/** One command-line flag of a loss's options (`lossgraph export`), in the loss's registry entry. */
export interface CliFlag {
  /** the flag without its dashes, e.g. `neg-pos` */
  readonly flag: string;
  /** the loss option it sets, e.g. `negPos` */
  readonly option: string;
  /**
   * number: a finite number; choice: one of `choices`; pair: two numbers `A,B`; off: a boolean flag setting
   * the option to false
   */
  readonly kind: 'number' | 'choice' | 'pair' | 'off';
  readonly choices?: readonly string[];
  /** the help text, with its default */
  readonly help: string;
}

/** What `lossgraph export` shows and accepts for one loss. */
export interface CliDescription {
  /** one line for the usage text: what the model computes and its symbolic sizes */
  readonly summary: string;
  /** the least number of classes `--num-classes` accepts */
  readonly minClasses: number;
  /** the names `--outputs` accepts */
  readonly extraOutputs: readonly string[];
  readonly flags: readonly CliFlag[];
}
