import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appendGradients, GraphBuilder, interpret, type Tensor } from '../src/index.js';

/** PyTorch 1.13's forward values and gradients of sum(y), written by tools/reference/activation_kinks.py. */
interface KinkCase {
  readonly attrs: Readonly<Record<string, number>>;
  readonly x: readonly number[];
  readonly y: readonly number[];
  readonly grad: readonly number[];
}
const data = JSON.parse(readFileSync(new URL('./data/activation_kinks.json', import.meta.url), 'utf8')) as {
  readonly cases: Readonly<Record<string, KinkCase>>;
  readonly hardswish_at_3: { readonly scalar: number; readonly vectorised: number };
};

type Build = (x: Tensor, attrs: Readonly<Record<string, number>>) => Tensor;
const num = (attrs: Readonly<Record<string, number>>, key: string): number => {
  const v = attrs[key];
  if (v === undefined) throw new Error(`activation_kinks.json: attribute '${key}' missing`);
  return v;
};

/** The lossgraph op that each PyTorch function of the data file corresponds to. */
const OPS: Readonly<Record<string, Build>> = {
  relu: (x) => x.relu(),
  relu6: (x, a) => x.clip(num(a, 'min'), num(a, 'max')),
  hardtanh: (x, a) => x.clip(num(a, 'min'), num(a, 'max')),
  leaky_relu: (x, a) => x.leakyRelu(num(a, 'alpha')),
  hardsigmoid: (x, a) => x.hardSigmoid(num(a, 'alpha'), num(a, 'beta')),
  hardswish: (x) => x.hardSwish(),
  sigmoid: (x) => x.sigmoid(),
  tanh: (x) => x.tanh(),
};

/** y and d sum(y)/dx of one op in the reference interpreter (float64). */
function valueAndGrad(build: Build, attrs: Readonly<Record<string, number>>, xs: readonly number[]) {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [xs.length]);
  const y = build(x, attrs);
  b.output('y', y).output('loss', y.sum());
  const g = appendGradients(b.build(), { of: ['loss'], wrt: { x: 'gx' } });
  const out = interpret(g, { x: { shape: [xs.length], data: Float64Array.from(xs) } });
  return { y: Array.from(out.y?.data ?? []), grad: Array.from(out.gx?.data ?? []) };
}

describe('activations match PyTorch at and around their kinks (float64)', () => {
  it('the data file covers every activation here', () => {
    expect(Object.keys(data.cases).sort()).toEqual(Object.keys(OPS).sort());
  });
  for (const [name, build] of Object.entries(OPS)) {
    it(name, () => {
      const c = data.cases[name];
      if (c === undefined) throw new Error(`activation_kinks.json has no case '${name}'`);
      const got = valueAndGrad(build, c.attrs, c.x);
      c.x.forEach((x, i) => {
        expect(got.y[i], `y(${x})`).toBeCloseTo(c.y[i] ?? Number.NaN, 12);
        // PyTorch's hardsigmoid backward multiplies by 1/6 rounded to float32 (5e-9 off): 1e-8 leaves room
        // for that, while a different convention at a kink is off by at least 1/6
        expect(got.grad[i], `grad(${x})`).toBeCloseTo(c.grad[i] ?? Number.NaN, 8);
      });
    });
  }
  it('hardSwish at exactly 3 follows the scalar definition of PyTorch (its vectorised loop gives 1 there)', () => {
    const { grad } = valueAndGrad(OPS.hardswish!, {}, [3]);
    expect(grad).toEqual([data.hardswish_at_3.scalar]);
    expect(data.hardswish_at_3.vectorised).not.toBe(data.hardswish_at_3.scalar);
  });
});
