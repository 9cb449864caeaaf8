import type { Tensor } from '@lossgraph/core';
import type { ConverterTable, NodeContext, OpConverter } from '../context.js';
import { mapHost } from '../host-ops.js';
import type { HostKind, HostTensor } from '../host-tensor.js';

/** Folds a node elementwise over its (broadcast) inputs; the result has the first input's kind unless given. */
function foldMap(f: (...xs: number[]) => number, kind?: (k: HostKind) => HostKind) {
  return (ctx: NodeContext): HostTensor[] => {
    const inputs = Array.from({ length: ctx.inputCount }, (_, i) => ctx.host(i));
    const first = inputs[0]?.kind ?? 'float';
    const out = mapHost(kind ? kind(first) : first, inputs, f);
    if (out === undefined) ctx.fail(`inputs [${inputs.map((t) => `[${t.shape}]`)}] do not broadcast`);
    return [out];
  };
}

function binary(
  f: (a: number, b: number, kind: HostKind) => number,
  op: (a: Tensor, b: Tensor) => Tensor,
): OpConverter {
  return {
    fold: (ctx) => {
      const kind = ctx.host(0).kind;
      return foldMap((a, b) => f(a, b, kind))(ctx);
    },
    convert: (ctx) => [op(ctx.tensor(0), ctx.tensor(1))],
  };
}

function unary(f: (x: number) => number, op: (x: Tensor, ctx: NodeContext) => Tensor): OpConverter {
  return { fold: foldMap(f), convert: (ctx) => [op(ctx.tensor(0), ctx)] };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const hardSigmoid = (x: number, alpha: number, beta: number) => Math.max(0, Math.min(1, alpha * x + beta));

/** Clip's bounds: inputs 1 and 2 (opset 11+), each optional, or the `min`/`max` attributes of older exports. */
function clipBounds(ctx: NodeContext): { min?: number; max?: number } {
  const scalar = (i: number) => {
    const t = ctx.optionalHost(i);
    if (t === undefined) return undefined;
    if (t.data.length !== 1) ctx.fail(`bound ${i} must be a scalar`);
    return t.data[0];
  };
  const attr = (name: string) => (ctx.attrs.has(name) ? ctx.attrs.float(name, 0) : undefined);
  const min = scalar(1) ?? attr('min');
  const max = scalar(2) ?? attr('max');
  return { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
}

/** Pow with a constant scalar exponent the IR can express exactly. */
function powConvert(ctx: NodeContext): Tensor[] {
  const e = ctx.host(1);
  const x = ctx.tensor(0);
  if (e.data.length !== 1) return ctx.unsupported('with a non-scalar exponent is not supported');
  switch (e.data[0]) {
    case 1:
      return [x];
    case 2:
      return [x.mul(x)];
    case 3:
      return [x.mul(x).mul(x)];
    case 0.5:
      return [x.sqrt()];
    case -1:
      return [ctx.b.scalar(1).div(x)];
    default:
      return ctx.unsupported(`with exponent ${e.data[0]} is not supported (1, 2, 3, 0.5, -1 are)`);
  }
}

export const ELEMENTWISE: ConverterTable = {
  Add: binary(
    (a, b) => a + b,
    (a, b) => a.add(b),
  ),
  Sub: binary(
    (a, b) => a - b,
    (a, b) => a.sub(b),
  ),
  Mul: binary(
    (a, b) => a * b,
    (a, b) => a.mul(b),
  ),
  Div: binary(
    (a, b, kind) => (kind === 'float' ? a / b : Math.trunc(a / b)),
    (a, b) => a.div(b),
  ),
  Max: binary(
    (a, b) => Math.max(a, b),
    (a, b) => a.maximum(b),
  ),
  Min: binary(
    (a, b) => Math.min(a, b),
    (a, b) => a.minimum(b),
  ),
  Pow: { fold: foldMap((a, b) => a ** b), convert: powConvert, constantInputs: [1] },
  Equal: {
    fold: foldMap(
      (a, b) => (a === b ? 1 : 0),
      () => 'bool',
    ),
    convert: (ctx) => [ctx.tensor(0).equal(ctx.tensor(1))],
  },
  Where: {
    fold: (ctx) => {
      const kind = ctx.host(1).kind;
      return foldMap(
        (c, a, b) => (c ? a : b),
        () => kind,
      )(ctx);
    },
    convert: (ctx) => [ctx.b.where(ctx.tensor(0), ctx.tensor(1), ctx.tensor(2))],
  },
  Dropout: {
    constantInputs: [1, 2],
    // an identity unless it drops at random: its masks cannot be reproduced outside PyTorch
    convert: (ctx) => {
      const ratio = ctx.optionalHost(1)?.data[0] ?? ctx.attrs.float('ratio', 0.5);
      const training = (ctx.optionalHost(2)?.data[0] ?? 0) !== 0;
      if ((ctx.node.outputs[1] ?? '') !== '') ctx.unsupported('with a mask output is not supported');
      if (training && ratio > 0 && ctx.emit.mode === 'train') {
        ctx.unsupported(
          `in training mode (ratio ${ratio}) is not supported: its random masks cannot be reproduced; ` +
            'export with dropout p=0 or put the Dropout modules in eval mode before exporting',
        );
      }
      return [ctx.input(0)];
    },
  },
  Identity: { fold: (ctx) => [ctx.host(0)], convert: (ctx) => [ctx.input(0)] },
  Neg: unary(
    (x) => -x,
    (x) => x.neg(),
  ),
  Abs: unary(Math.abs, (x) => x.abs()),
  Exp: unary(Math.exp, (x) => x.exp()),
  Log: unary(Math.log, (x) => x.log()),
  Sqrt: unary(Math.sqrt, (x) => x.sqrt()),
  Reciprocal: unary(
    (x) => 1 / x,
    (x) => x.builder.scalar(1).div(x),
  ),
  Floor: { fold: foldMap(Math.floor) },
  Ceil: { fold: foldMap(Math.ceil) },
  Relu: unary(
    (x) => Math.max(x, 0),
    (x) => x.relu(),
  ),
  Sigmoid: unary(sigmoid, (x) => x.sigmoid()),
  Tanh: unary(Math.tanh, (x) => x.tanh()),
  LeakyRelu: {
    fold: (ctx) => {
      const alpha = ctx.attrs.float('alpha', 0.01);
      return foldMap((x) => (x > 0 ? x : alpha * x))(ctx);
    },
    convert: (ctx) => [ctx.tensor(0).leakyRelu(ctx.attrs.float('alpha', 0.01))],
  },
  HardSigmoid: {
    fold: (ctx) => {
      const alpha = ctx.attrs.float('alpha', 0.2);
      const beta = ctx.attrs.float('beta', 0.5);
      return foldMap((x) => hardSigmoid(x, alpha, beta))(ctx);
    },
    convert: (ctx) => [ctx.tensor(0).hardSigmoid(ctx.attrs.float('alpha', 0.2), ctx.attrs.float('beta', 0.5))],
  },
  HardSwish: unary(
    (x) => x * hardSigmoid(x, 1 / 6, 0.5),
    (x) => x.hardSwish(),
  ),
  Clip: {
    constantInputs: [1, 2],
    fold: (ctx) => {
      const { min = -Infinity, max = Infinity } = clipBounds(ctx);
      const x = ctx.host(0);
      return [{ ...x, data: x.data.map((v) => Math.min(Math.max(v, min), max)) }];
    },
    convert: (ctx) => {
      const x = ctx.tensor(0);
      const { min, max } = clipBounds(ctx);
      if (min !== undefined && max !== undefined) return [x.clip(min, max)];
      if (min === 0) return [x.relu()];
      if (min !== undefined) return [x.maximum(min)];
      if (max !== undefined) return [x.minimum(max)];
      return [x];
    },
  },
  Softmax: {
    convert: (ctx) => {
      const x = ctx.tensor(0);
      return [x.logSoftmax(ctx.axis(ctx.attrs.int('axis', -1), x.rank)).exp()];
    },
  },
  LogSoftmax: {
    convert: (ctx) => {
      const x = ctx.tensor(0);
      return [x.logSoftmax(ctx.axis(ctx.attrs.int('axis', -1), x.rank))];
    },
  },
};
