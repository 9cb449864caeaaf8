import type { Feeds, HostTensor, LossGraphErrorCode } from '@lossgraph/core';

/** One kind of bad input: how to spoil valid feeds, and what every backend must answer. */
export interface BadInput {
  readonly name: string;
  readonly spoil: (feeds: Feeds) => Feeds;
  readonly code: LossGraphErrorCode;
  /** the tensor the message must name */
  readonly tensor: string;
  /** more the message must contain (image and row, index, shapes) */
  readonly mentions: readonly (string | RegExp)[];
}

function edit(feeds: Feeds, name: string, f: (data: Float32Array | Int32Array) => void): Feeds {
  const t = feeds[name]!;
  const data = t.data.slice() as Float32Array | Int32Array;
  f(data);
  return { ...feeds, [name]: { ...t, data } as HostTensor };
}

/** Index of the first real truth row of the first image that has one. */
function firstTruth(feeds: Feeds): { b: number; at: number } {
  const M = feeds.targets!.shape[1]!;
  const b = Array.from(feeds.num_objs!.data).findIndex((n) => n > 0);
  if (b < 0) throw new Error('bad-input cases need a problem with at least one truth');
  return { b, at: b * M * 5 };
}

/**
 * The bad inputs every backend must refuse with a LossGraphError, each applied to a valid problem (B >= 1, at
 * least one truth).
 */
export const BAD_INPUTS: readonly BadInput[] = [
  {
    name: 'NaN in loc_data',
    spoil: (f) => edit(f, 'loc_data', (d) => (d[5] = NaN)),
    code: 'NON_FINITE',
    tensor: 'loc_data',
    mentions: ['NaN', 'index [0,1,1]'],
  },
  {
    name: 'Inf in conf_data',
    spoil: (f) => edit(f, 'conf_data', (d) => (d[0] = Infinity)),
    code: 'NON_FINITE',
    tensor: 'conf_data',
    mentions: ['Infinity', 'index [0,0,0]'],
  },
  {
    name: '-Inf in dbox_list',
    spoil: (f) => edit(f, 'dbox_list', (d) => (d[1] = -Infinity)),
    code: 'NON_FINITE',
    tensor: 'dbox_list',
    mentions: ['index [0,1]'],
  },
  {
    name: 'NaN in a real targets row',
    spoil: (f) => edit(f, 'targets', (d) => (d[firstTruth(f).at + 1] = NaN)),
    code: 'NON_FINITE',
    tensor: 'targets',
    mentions: [/image \d+ row 0/],
  },
  {
    name: 'a degenerate truth (xmax = xmin)',
    spoil: (f) => edit(f, 'targets', (d) => (d[firstTruth(f).at + 2] = d[firstTruth(f).at]!)),
    code: 'DEGENERATE_BOX',
    tensor: 'targets',
    mentions: [/image \d+ row 0/],
  },
  {
    name: 'a default box of zero width',
    spoil: (f) => edit(f, 'dbox_list', (d) => (d[2] = 0)),
    code: 'DEGENERATE_BOX',
    tensor: 'dbox_list',
    mentions: ['row 0'],
  },
  {
    name: 'a label above C-2',
    spoil: (f) => edit(f, 'targets', (d) => (d[firstTruth(f).at + 4] = f.conf_data!.shape[2]! - 1)),
    code: 'LABEL_OUT_OF_RANGE',
    tensor: 'targets',
    mentions: [/image \d+ row 0/, /outside \[0, \d+\]/],
  },
  {
    name: 'a negative label',
    spoil: (f) => edit(f, 'targets', (d) => (d[firstTruth(f).at + 4] = -1)),
    code: 'LABEL_OUT_OF_RANGE',
    tensor: 'targets',
    mentions: ['label -1'],
  },
  {
    name: 'num_objs above M',
    spoil: (f) => edit(f, 'num_objs', (d) => (d[0] = f.targets!.shape[1]! + 1)),
    code: 'NUM_OBJS_OUT_OF_RANGE',
    tensor: 'num_objs',
    mentions: ['image 0', /M = \d+/],
  },
  {
    name: 'negative num_objs',
    spoil: (f) => edit(f, 'num_objs', (d) => (d[0] = -1)),
    code: 'NUM_OBJS_OUT_OF_RANGE',
    tensor: 'num_objs',
    mentions: ['image 0'],
  },
  {
    name: 'P of conf_data disagreeing with loc_data',
    spoil: (f) => {
      const [B, P, C] = f.conf_data!.shape as [number, number, number];
      return { ...f, conf_data: { dtype: 'float32', shape: [B, P + 1, C], data: new Float32Array(B * (P + 1) * C) } };
    },
    code: 'SHAPE_MISMATCH',
    tensor: 'conf_data',
    mentions: ["'loc_data' gives P", /expected shape \[/, /got \[/],
  },
  {
    name: 'loc_data of the wrong rank',
    spoil: (f) => ({ ...f, loc_data: { ...f.loc_data!, shape: [f.loc_data!.data.length] } }),
    code: 'SHAPE_MISMATCH',
    tensor: 'loc_data',
    mentions: ['expected shape [B,P,4]', /got \[\d+\]/],
  },
  {
    name: 'num_objs as float32',
    spoil: (f) => ({
      ...f,
      num_objs: { dtype: 'float32', shape: f.num_objs!.shape, data: Float32Array.from(f.num_objs!.data) },
    }),
    code: 'DTYPE_MISMATCH',
    tensor: 'num_objs',
    mentions: ['expected dtype int32', 'got float32'],
  },
  {
    name: 'a missing dbox_list',
    spoil: (f) => {
      const { dbox_list: _, ...rest } = f;
      return rest;
    },
    code: 'MISSING_INPUT',
    tensor: 'dbox_list',
    mentions: ['[P,4]'],
  },
  {
    name: 'an empty M axis',
    spoil: (f) => ({
      ...f,
      targets: { dtype: 'float32', shape: [f.targets!.shape[0]!, 0, 5], data: new Float32Array(0) },
      num_objs: { dtype: 'int32', shape: f.num_objs!.shape, data: new Int32Array(f.num_objs!.data.length) },
    }),
    code: 'SHAPE_MISMATCH',
    tensor: 'targets',
    mentions: ['M >= 1'],
  },
];
