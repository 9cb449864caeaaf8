import { type Feeds, type HostTensor, packTargets, type TruthRow } from '../src/index.js';
import { seededRandom } from '../src/testing/random.js';

/** Seeded uniform generator (Mulberry32), so that every generated problem reproduces from its seed. */
export const seeded = seededRandom;

export interface Sizes {
  readonly B: number;
  readonly P: number;
  readonly C: number;
  readonly M: number;
}

/**
 * A valid MultiBoxLoss problem: random default boxes (cx, cy in [0,1], w, h in [0.05, 0.6]), each image
 * with 1..M random truths (width and height at least 0.05, labels in [0, C-2]), random predictions.
 */
export function validFeeds(seed: number, { B, P, C, M }: Sizes): Feeds {
  const r = seeded(seed);
  const priors = Array.from({ length: P }, () => [r(), r(), 0.05 + 0.55 * r(), 0.05 + 0.55 * r()]).flat();
  const truths = Array.from({ length: B }, () =>
    Array.from({ length: 1 + Math.floor(r() * M) }, (): TruthRow => {
      const x = 0.7 * r();
      const y = 0.7 * r();
      return [x, y, x + 0.05 + 0.25 * r(), y + 0.05 + 0.25 * r(), Math.floor(r() * (C - 1))];
    }),
  );
  const { targets, num_objs } = packTargets(truths, M);
  const f32 = (shape: number[], draw: () => number): HostTensor => ({
    dtype: 'float32',
    shape,
    data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, draw),
  });
  return {
    loc_data: f32([B, P, 4], () => 2 * r() - 1),
    conf_data: f32([B, P, C], () => 4 * r() - 2),
    dbox_list: { dtype: 'float32', shape: [P, 4], data: Float32Array.from(priors) },
    targets,
    num_objs,
  };
}

/** A copy of `feeds` with one tensor's data edited (the others shared). */
export function withData(feeds: Feeds, name: string, edit: (data: Float32Array | Int32Array) => void): Feeds {
  const t = feeds[name]!;
  const data = t.data.slice() as Float32Array | Int32Array;
  edit(data);
  return { ...feeds, [name]: { ...t, data } };
}
