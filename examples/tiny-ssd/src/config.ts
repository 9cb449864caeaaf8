import type { DefaultBoxConfig } from '@lossgraph/core';

/** Image side in pixels (grayscale). */
export const IMAGE_SIZE = 32;

/** Object classes of the shapes data set; label_ind is the index here, class 0 of the logits is background. */
export const SHAPES = ['square', 'circle', 'triangle'] as const;
export type ShapeName = (typeof SHAPES)[number];

/** Logit classes: background + one per shape. */
export const NUM_CLASSES = SHAPES.length + 1;

/**
 * Default boxes on the detector's two feature maps (4x4 and 2x2 cells, 4 boxes a cell: the small and the
 * large square, and the 2:1 and 1:2 boxes): 4*4*4 + 2*2*4 = 80 boxes, in the order the heads emit them.
 */
export const TINY_SSD: DefaultBoxConfig = {
  inputSize: IMAGE_SIZE,
  featureMaps: [4, 2],
  steps: [8, 16],
  minSizes: [8, 16],
  maxSizes: [16, 28],
  aspectRatios: [[2], [2]],
};

/** Default boxes per feature-map cell (two squares, then a pair per aspect ratio). */
export const BOXES_PER_CELL = 4;
