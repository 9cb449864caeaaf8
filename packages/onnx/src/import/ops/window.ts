import type { NodeContext } from '../context.js';

export type Pair = readonly [number, number];
export type Pads = readonly [number, number, number, number];

/** The [H, W] of a 4-D input, which the 2-D ops need; other ranks are unsupported. */
export function spatialOf(ctx: NodeContext, i = 0): Pair {
  const shape = ctx.shape(i);
  const [, , h, w] = shape;
  if (shape.length !== 4 || h === undefined || w === undefined) {
    return ctx.unsupported(`on a rank-${shape.length} input is not supported (only 2-D, NCHW)`);
  }
  return [h, w];
}

export function pairAttr(ctx: NodeContext, name: string, fallback: number): Pair {
  const v = ctx.attrs.ints(name) ?? [fallback, fallback];
  const [a, b] = v;
  if (v.length !== 2 || a === undefined || b === undefined)
    ctx.unsupported(`with ${name} [${v}] is not supported (2-D only)`);
  return [a, b];
}

/** Explicit pads [top, left, bottom, right] from `pads` or `auto_pad` (SAME_UPPER, SAME_LOWER, VALID). */
export function resolvePads(ctx: NodeContext, input: Pair, kernel: Pair, strides: Pair, dilations: Pair): Pads {
  const autoPad = ctx.attrs.string('auto_pad', 'NOTSET');
  if (autoPad === 'NOTSET') {
    const pads = ctx.attrs.ints('pads') ?? [0, 0, 0, 0];
    const [t, l, b, r] = pads;
    if (pads.length !== 4 || t === undefined || l === undefined || b === undefined || r === undefined) {
      return ctx.fail(`pads [${pads}] are not 4 numbers`);
    }
    return [t, l, b, r];
  }
  if (autoPad === 'VALID') return [0, 0, 0, 0];
  if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') return ctx.fail(`unknown auto_pad '${autoPad}'`);
  const split = (axis: 0 | 1): [number, number] => {
    const out = Math.ceil(input[axis] / strides[axis]);
    const total = Math.max(0, (out - 1) * strides[axis] + (kernel[axis] - 1) * dilations[axis] + 1 - input[axis]);
    const small = Math.floor(total / 2);
    return autoPad === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
  };
  const [t, b] = split(0);
  const [l, r] = split(1);
  return [t, l, b, r];
}
