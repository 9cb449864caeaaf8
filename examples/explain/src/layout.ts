import { defaultBoxes } from '@lossgraph/core';
import { TINY_SSD } from '@lossgraph-examples/tiny-ssd/config';

/** Where a default box sits: its feature map, cell and slot (0 small square, 1 large square, 2 wide, 3 tall). */
export interface BoxPlace {
  readonly map: number;
  readonly row: number;
  readonly col: number;
  readonly slot: number;
}

/** Names of the four boxes of a cell, in the order defaultBoxes emits them (TINY_SSD: one aspect ratio, 2). */
export const SLOT_NAMES = ['small square', 'large square', 'wide 2:1', 'tall 1:2'] as const;

/** The tiny SSD's default boxes (cx, cy, w, h), [P * 4], and where each one sits. */
export const PRIORS = defaultBoxes(TINY_SSD);
export const NUM_PRIORS = PRIORS.length / 4;
export const SLOTS = SLOT_NAMES.length;

/** The place of every default box, in the order of PRIORS. */
export const PLACES: readonly BoxPlace[] = TINY_SSD.featureMaps.flatMap((size, map) =>
  Array.from({ length: size * size * SLOTS }, (_, k) => ({
    map,
    row: Math.floor(k / (size * SLOTS)),
    col: Math.floor(k / SLOTS) % size,
    slot: k % SLOTS,
  })),
);

/** Default box `p` in point form (x0, y0, x1, y1), normalised. */
export function pointForm(p: number): [number, number, number, number] {
  const [cx, cy, w, h] = PRIORS.subarray(4 * p, 4 * p + 4);
  return [cx! - w! / 2, cy! - h! / 2, cx! + w! / 2, cy! + h! / 2];
}

/** Intersection over union of two point-form boxes. */
export function iou(a: readonly number[], b: readonly number[]): number {
  const [ax0, ay0, ax1, ay1] = a as [number, number, number, number];
  const [bx0, by0, bx1, by1] = b as [number, number, number, number];
  const w = Math.max(0, Math.min(ax1, bx1) - Math.max(ax0, bx0));
  const h = Math.max(0, Math.min(ay1, by1) - Math.max(ay0, by0));
  const inter = w * h;
  const union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter;
  return union > 0 ? inter / union : 0;
}
