import {
  type Dim,
  type DType,
  type Feeds,
  GraphBuilder,
  interpret,
  type MultiboxInput,
  packTargets,
  type Tensor,
  type TensorData,
} from '../src/index.js';

export interface In {
  dtype?: DType;
  shape: number[];
  values: number[];
}

/** Runs a one-op graph built by `f` on literal inputs in the reference interpreter. */
export function run1(
  inputs: In[],
  f: (b: GraphBuilder, xs: Tensor[]) => Tensor | Tensor[],
  symbolic?: Dim[][],
): TensorData[] {
  const b = new GraphBuilder();
  const xs = inputs.map((x, i) => b.input(`x${i}`, x.dtype ?? 'float32', symbolic?.[i] ?? x.shape));
  const out = f(b, xs);
  for (const [k, t] of (Array.isArray(out) ? out : [out]).entries()) b.output(`y${k}`, t);
  const g = b.build();
  const res = interpret(g, Object.fromEntries(inputs.map((x, i) => [`x${i}`, { shape: x.shape, data: x.values }])));
  return g.outputs.map((o) => res[o.name]!);
}

export const values = (t: TensorData): number[] => Array.from(t.data);

/** A small random problem: random priors, random valid truths, random predictions (seeded). */
export function randomProblem(seed: number, B = 2, P = 24, C = 4, M = 3): Feeds<MultiboxInput> {
  let s = seed;
  const r = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const priors = Array.from({ length: P }, () => [r(), r(), 0.1 + 0.5 * r(), 0.1 + 0.5 * r()]).flat();
  const truths = Array.from({ length: B }, (_, b) =>
    Array.from({ length: b === B - 1 ? 1 : M }, () => {
      const x = 0.6 * r();
      const y = 0.6 * r();
      return [x, y, x + 0.1 + 0.3 * r(), y + 0.1 + 0.3 * r(), Math.floor(r() * (C - 1))] as const;
    }),
  );
  const { targets, num_objs } = packTargets(truths, M);
  return {
    loc_data: { dtype: 'float32', shape: [B, P, 4], data: Float32Array.from({ length: B * P * 4 }, () => 2 * r() - 1) },
    conf_data: {
      dtype: 'float32',
      shape: [B, P, C],
      data: Float32Array.from({ length: B * P * C }, () => 4 * r() - 2),
    },
    dbox_list: { dtype: 'float32', shape: [P, 4], data: Float32Array.from(priors) },
    targets,
    num_objs,
  };
}
