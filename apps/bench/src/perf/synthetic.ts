import { defaultBoxes, type Feeds, type HostTensor, packTargets, SSD300, SSD512, type TruthRow } from '@lossgraph/core';
import { seededRandom } from '@lossgraph/core/testing';

/** Default-box layouts the perf command knows, by command-line name. */
export const PRIOR_PRESETS = { ssd300: SSD300, ssd512: SSD512 } as const;
export type PriorPreset = keyof typeof PRIOR_PRESETS;

export interface PerfShape {
  readonly batch: number;
  readonly classes: number;
  readonly priors: PriorPreset;
}

/** Truth rows per image are padded to this many (the synthetic images hold 2 to 4 objects). */
const MAX_OBJECTS = 4;

/** Fills `out` with N(0, sd²) draws (Box-Muller, two per pair of uniforms). */
function fillNormal(out: Float32Array, sd: number, random: () => number): Float32Array {
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - random())) * sd;
    const theta = 2 * Math.PI * random();
    out[i] = r * Math.cos(theta);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

/** One image's truths, as tools/reference draws them: 2-4 boxes with sides in [0.05, 0.6] inside [0, 1]. */
function randomTruths(classes: number, random: () => number): TruthRow[] {
  const count = 2 + Math.floor(random() * 3);
  const rows: TruthRow[] = [];
  for (let k = 0; k < count; k++) {
    const w = 0.05 + random() * 0.55;
    const h = 0.05 + random() * 0.55;
    const x0 = random() * (1 - w);
    const y0 = random() * (1 - h);
    rows.push([x0, y0, x0 + w, y0 + h, Math.floor(random() * (classes - 1))]);
  }
  return rows;
}

/**
 * Synthetic MultiBoxLoss inputs for timing, with the same distribution as tools/reference's
 * time_original.py: about 3 objects per image, loc_data ~ N(0, 1), conf_data ~ N(0, 2²), the preset's
 * default boxes. Deterministic for a given shape and seed.
 */
export function syntheticFeeds(shape: PerfShape, seed = 0): Feeds {
  const { batch, classes } = shape;
  if (!(Number.isInteger(batch) && batch >= 1)) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  if (!(Number.isInteger(classes) && classes >= 2))
    throw new RangeError(`classes must be an integer >= 2, got ${classes}`);
  const random = seededRandom(seed * 7919 + batch * 31 + classes);
  const dbox = defaultBoxes(PRIOR_PRESETS[shape.priors]);
  const P = dbox.length / 4;
  const truths = Array.from({ length: batch }, () => randomTruths(classes, random));
  const { targets, num_objs } = packTargets(truths, MAX_OBJECTS);
  const f32 = (shape: number[], data: Float32Array): HostTensor => ({ dtype: 'float32', shape, data });
  return {
    loc_data: f32([batch, P, 4], fillNormal(new Float32Array(batch * P * 4), 1, random)),
    conf_data: f32([batch, P, classes], fillNormal(new Float32Array(batch * P * classes), 2, random)),
    dbox_list: f32([P, 4], dbox),
    targets,
    num_objs,
  };
}
