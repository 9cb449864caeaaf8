import type { Tensor } from '@lossgraph/core';
import type { ConverterTable, NodeContext } from '../context.js';
import { type Pads, pairAttr, resolvePads, spatialOf } from './window.js';

/** `y + bias` with bias [C] broadcast over [N, C, H, W]. */
function addBias(ctx: NodeContext, y: Tensor, i: number): Tensor {
  if (ctx.optional(i) === undefined) return y;
  const bias = ctx.tensor(i);
  return y.add(bias.reshape([1, bias.shape[0] ?? 1, 1, 1]));
}

function kernelOf(ctx: NodeContext): readonly [number, number] {
  const [, , kh, kw] = ctx.shape(1);
  if (kh === undefined || kw === undefined) return ctx.unsupported('with a weight that is not 4-D is not supported');
  const attr = ctx.attrs.ints('kernel_shape');
  if (attr !== undefined && (attr[0] !== kh || attr[1] !== kw)) {
    ctx.fail(`kernel_shape [${attr}] disagrees with the weight [${ctx.shape(1)}]`);
  }
  return [kh, kw];
}

function conv(ctx: NodeContext): Tensor[] {
  const input = spatialOf(ctx);
  const kernel = kernelOf(ctx);
  const strides = pairAttr(ctx, 'strides', 1);
  const dilations = pairAttr(ctx, 'dilations', 1);
  const pads = resolvePads(ctx, input, kernel, strides, dilations);
  const group = ctx.attrs.int('group', 1);
  const y = ctx.tensor(0).conv2d(ctx.tensor(1), { strides, dilations, pads, group });
  return [addBias(ctx, y, 2)];
}

/** ConvTranspose's pads: explicit, or from output_shape / auto_pad as the ONNX spec computes them. */
function transposePads(
  ctx: NodeContext,
  input: readonly [number, number],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
  outputPadding: readonly [number, number],
): Pads {
  const autoPad = ctx.attrs.string('auto_pad', 'NOTSET');
  const outputShape = ctx.attrs.ints('output_shape');
  if (outputShape === undefined && autoPad === 'NOTSET') return resolvePads(ctx, input, kernel, strides, dilations);
  if (outputShape === undefined && autoPad === 'VALID') return [0, 0, 0, 0];
  const want = outputShape?.slice(-2) ?? [input[0] * strides[0], input[1] * strides[1]];
  const split = (axis: 0 | 1): [number, number] => {
    const total =
      strides[axis] * (input[axis] - 1) +
      outputPadding[axis] +
      (kernel[axis] - 1) * dilations[axis] +
      1 -
      (want[axis] ?? 0);
    const half = Math.floor(total / 2);
    return autoPad === 'SAME_UPPER' ? [half, total - half] : [total - half, half];
  };
  const [t, b] = split(0);
  const [l, r] = split(1);
  if (Math.min(t, b, l, r) < 0) ctx.fail(`output_shape [${want}] is larger than the convolution can make`);
  return [t, l, b, r];
}

function convTranspose(ctx: NodeContext): Tensor[] {
  const input = spatialOf(ctx);
  const kernel = kernelOf(ctx);
  const strides = pairAttr(ctx, 'strides', 1);
  const dilations = pairAttr(ctx, 'dilations', 1);
  const outputPadding = pairAttr(ctx, 'output_padding', 0);
  const pads = transposePads(ctx, input, kernel, strides, dilations, outputPadding);
  const group = ctx.attrs.int('group', 1);
  const y = ctx.tensor(0).convTranspose2d(ctx.tensor(1), { strides, dilations, pads, group, outputPadding });
  return [addBias(ctx, y, 2)];
}

export const CONV_OPS: ConverterTable = {
  Conv: { convert: conv },
  ConvTranspose: { convert: convTranspose },
};
