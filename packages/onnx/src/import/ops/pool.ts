import type { Tensor } from '@lossgraph/core';
import type { ConverterTable, NodeContext } from '../context.js';
import { pairAttr, resolvePads, spatialOf } from './window.js';

function poolAttrs(ctx: NodeContext) {
  const input = spatialOf(ctx);
  const kernelSize = pairAttr(ctx, 'kernel_shape', 1);
  const strides = pairAttr(ctx, 'strides', 1);
  const dilations = pairAttr(ctx, 'dilations', 1);
  const pads = resolvePads(ctx, input, kernelSize, strides, dilations);
  return { kernelSize, strides, dilations, pads, ceilMode: ctx.attrs.int('ceil_mode', 0) === 1 };
}

/** The axes a Reduce* node reduces: attribute (ReduceMean/ReduceMax before 18) or input 1; all when empty. */
function reduceAxes(ctx: NodeContext, axesFromInput: boolean): number[] | 'none' {
  const rank = ctx.shape(0).length;
  const given = axesFromInput ? (ctx.optional(1) ? ctx.ints(1) : undefined) : ctx.attrs.ints('axes');
  if (given === undefined || given.length === 0) {
    if (ctx.attrs.int('noop_with_empty_axes', 0) === 1) return 'none';
    return Array.from({ length: rank }, (_, i) => i);
  }
  return given.map((a) => ctx.axis(a, rank)).sort((a, b) => a - b);
}

function reduce(fromInputSince: number, op: (x: Tensor, axes: number[], keep: boolean, ctx: NodeContext) => Tensor) {
  return {
    constantInputs: [1],
    convert: (ctx: NodeContext) => {
      const axes = reduceAxes(ctx, ctx.emit.opset >= fromInputSince);
      const x = ctx.tensor(0);
      return [axes === 'none' ? x : op(x, axes, ctx.attrs.int('keepdims', 1) === 1, ctx)];
    },
  };
}

function mean(x: Tensor, axes: readonly number[], keep: boolean, ctx: NodeContext): Tensor {
  const shape = ctx.shape(0);
  const count = axes.reduce((n, a) => n * (shape[a] ?? 1), 1);
  return x.sum(axes, keep).div(count);
}

/** Integer upsampling factors of a nearest Resize, from its scales or sizes input. */
function resizeScales(ctx: NodeContext): [number, number] {
  const mode = ctx.attrs.string('mode', 'nearest');
  const transform = ctx.attrs.string('coordinate_transformation_mode', 'half_pixel');
  const nearest = ctx.attrs.string('nearest_mode', 'round_prefer_floor');
  if (mode !== 'nearest' || transform !== 'asymmetric' || nearest !== 'floor') {
    ctx.unsupported(
      `with mode '${mode}', coordinate_transformation_mode '${transform}', nearest_mode '${nearest}' is not ` +
        "supported (only PyTorch's nearest upsampling: 'nearest', 'asymmetric', 'floor')",
    );
  }
  const shape = ctx.shape(0);
  // opset 18's `axes` names the dims that scales or sizes cover; the others keep their size
  const axes = (ctx.attrs.ints('axes') ?? shape.map((_, i) => i)).map((a) => ctx.axis(a, shape.length));
  const sizes = ctx.optionalHost(3);
  const given = sizes ? Array.from(sizes.data, (s, i) => s / (shape[axes[i] ?? i] ?? 1)) : Array.from(ctx.host(2).data);
  if (given.length !== axes.length) ctx.fail(`${given.length} scales or sizes for ${axes.length} axes`);
  const scales = shape.map((_, i) => (axes.includes(i) ? (given[axes.indexOf(i)] ?? 1) : 1));
  const [sn, sc, sh, sw] = scales;
  if (scales.length !== 4 || sn !== 1 || sc !== 1 || sh === undefined || sw === undefined) {
    return ctx.unsupported(`with scales [${scales}] is not supported (N and C scales 1, 2-D)`);
  }
  if (!Number.isInteger(sh) || !Number.isInteger(sw) || sh < 1 || sw < 1) {
    return ctx.unsupported(`with scales [${scales}] is not supported (integer upsampling only)`);
  }
  return [sh, sw];
}

export const POOL_OPS: ConverterTable = {
  MaxPool: {
    convert: (ctx) => {
      if ((ctx.node.outputs[1] ?? '') !== '') ctx.unsupported('with an Indices output is not supported');
      if (ctx.attrs.int('storage_order', 0) !== 0) ctx.unsupported('with storage_order 1 is not supported');
      return [ctx.tensor(0).maxPool2d(poolAttrs(ctx))];
    },
  },
  AveragePool: {
    convert: (ctx) => [
      ctx.tensor(0).avgPool2d({ ...poolAttrs(ctx), countIncludePad: ctx.attrs.int('count_include_pad', 0) === 1 }),
    ],
  },
  GlobalAveragePool: {
    convert: (ctx) => {
      const rank = ctx.shape(0).length;
      return [
        mean(
          ctx.tensor(0),
          Array.from({ length: rank - 2 }, (_, i) => i + 2),
          true,
          ctx,
        ),
      ];
    },
  },
  GlobalMaxPool: {
    convert: (ctx) => {
      const rank = ctx.shape(0).length;
      return [
        ctx.tensor(0).max(
          Array.from({ length: rank - 2 }, (_, i) => i + 2),
          true,
        ),
      ];
    },
  },
  ReduceMean: reduce(18, mean),
  ReduceSum: reduce(13, (x, axes, keep) => x.sum(axes, keep)),
  ReduceMax: reduce(18, (x, axes, keep) => x.max(axes, keep)),
  ReduceL2: reduce(18, (x, axes, keep) => x.mul(x).sum(axes, keep).sqrt()),
  ReduceSumSquare: reduce(18, (x, axes, keep) => x.mul(x).sum(axes, keep)),
  Resize: {
    constantInputs: [1, 2, 3],
    convert: (ctx) => {
      const [sh, sw] = resizeScales(ctx);
      const x = ctx.tensor(0);
      return [sh === 1 && sw === 1 ? x : x.resizeNearest([sh, sw])];
    },
  },
};
