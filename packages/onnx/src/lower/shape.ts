import type { LoweringTable } from './context.js';

/**
 * Shape ops, constants and identities. Target shapes may hold symbols: the emitter computes those dims
 * in-graph from the input that carries them.
 */
export const SHAPE = {
  // allowzero: a 0 in the target (literal, or a symbol bound to 0) means size 0, not "copy the input dim"
  reshape: (c) => {
    const { e } = c;
    const from = c.inputTypes[0].shape;
    const to = c.attrs.shape;
    if (e.webgpu && !to.includes(0)) {
      // on WebGPU a symbol kept at its axis is a 0 ("copy the input dim"), so that the target is a constant
      // and needs no int64 Concat; a symbol bound to 0 copies a 0, so allowzero 0 changes nothing then
      const copied = to.map((d, i) => (typeof d === 'string' && from[i] === d ? 0 : d));
      if (copied.every((d) => typeof d === 'number'))
        return void e.op('Reshape', [c.inputs[0], e.int64s(copied)], c.out(0), { allowzero: 0 });
    }
    e.op('Reshape', [c.inputs[0], e.shape(to)], c.out(0), { allowzero: 1 });
  },
  expand: (c) => {
    c.e.broadcast(c.inputs[0], c.inputTypes[0].shape, c.attrs.shape, c.out(0));
  },
  slice: (c) => {
    const { axis, start, end } = c.attrs;
    const ends = end === null ? c.e.int64Max() : c.e.int64s([end]);
    c.e.op('Slice', [c.inputs[0], c.e.int64s([start]), ends, c.e.int64s([axis])], c.out(0));
  },
  concat: (c) => {
    c.e.op('Concat', c.inputs, c.out(0), { axis: c.attrs.axis });
  },
  unsqueeze: (c) => {
    c.e.op('Unsqueeze', [c.inputs[0], c.e.int64s([c.attrs.axis])], c.out(0));
  },
  squeeze: (c) => {
    c.e.op('Squeeze', [c.inputs[0], c.e.int64s([c.attrs.axis])], c.out(0));
  },
  transpose: (c) => {
    c.e.op('Transpose', c.inputs, c.out(0), { perm: c.attrs.perm });
  },
  // Range on int32 scalars: 0, 1, ..., length-1
  range: (c) => {
    const e = c.e;
    e.op('Range', [e.scalar('int32', 0), e.dimScalar(c.attrs.length, 'int32'), e.scalar('int32', 1)], c.out(0));
  },
  constant: (c) => {
    const { dtype, shape, values } = c.attrs;
    c.alias(0, c.e.constant(dtype, shape, values));
  },
  stopGradient: (c) => c.alias(0, c.inputs[0]),
} satisfies Partial<LoweringTable>;
