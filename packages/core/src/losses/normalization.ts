/**
 * How a loss reduces over the batch. 'batch' (default) divides by the loss's own normaliser (e.g. the batch's
 * positives, or the number of images after each image's own foreground division; each loss's options say which).
 * 'none' returns the undivided sums and that normaliser as the output `normalizer`, so that data-parallel
 * workers can all-reduce both and divide once: loss = sum_w(sums_w) / max(1, sum_w(normalizer_w)).
 */
export const LOSS_NORMALIZATIONS = ['batch', 'none'] as const;
export type LossNormalization = (typeof LOSS_NORMALIZATIONS)[number];

/** Output name of the normaliser under `normalize: 'none'`: a float32 scalar. */
export const NORMALIZER_OUTPUT = 'normalizer';
