import { GraphBuilder, interpret, type Dim, type DType, type Tensor, type TensorData } from '../src/index.js';

export interface In {
  dtype?: DType;
  shape: number[];
  values: number[];
}

/** Runs a one-op graph built by `f` on literal inputs in the reference interpreter. */
export function run1(inputs: In[], f: (b: GraphBuilder, xs: Tensor[]) => Tensor | Tensor[], symbolic?: Dim[][]): TensorData[] {
  const b = new GraphBuilder();
  const xs = inputs.map((x, i) => b.input(`x${i}`, x.dtype ?? 'float32', symbolic?.[i] ?? x.shape));
  const out = f(b, xs);
  (Array.isArray(out) ? out : [out]).forEach((t, k) => b.output(`y${k}`, t));
  const g = b.build();
  const res = interpret(g, Object.fromEntries(inputs.map((x, i) => [`x${i}`, { shape: x.shape, data: x.values }])));
  return g.outputs.map((o) => res[o.name]!);
}

export const values = (t: TensorData): number[] => Array.from(t.data);
