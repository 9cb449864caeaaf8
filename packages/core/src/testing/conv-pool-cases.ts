import type { Conv2dAttrs, Pool2dAttrs } from '../ir/ops.js';
import type { Dim } from '../ir/types.js';
import { type Draw, type OpCase, type OpInput, opCase } from './op-case.js';
import { randomConvPoolCases } from './random-conv-pool-cases.js';

const f = (shape: readonly Dim[], draw: Draw = 'normal'): OpInput => ({ dtype: 'float32', shape, draw });

const conv = (a: Partial<Conv2dAttrs> = {}): Conv2dAttrs => ({
  strides: a.strides ?? [1, 1],
  pads: a.pads ?? [0, 0, 0, 0],
  dilations: a.dilations ?? [1, 1],
  group: a.group ?? 1,
});

const pool = (kernelSize: readonly [number, number], a: Partial<Pool2dAttrs> = {}): Pool2dAttrs => ({
  kernelSize,
  strides: a.strides ?? kernelSize,
  pads: a.pads ?? [0, 0, 0, 0],
  dilations: a.dilations ?? [1, 1],
  ceilMode: a.ceilMode ?? false,
});

/**
 * The 2-D network ops: convolutions with groups (depthwise too), strides, dilations and asymmetric pads;
 * pools with ceil mode and both divisors. The VJP graphs of the forward ops bring in the gradient ops too.
 */
export const CONV_POOL_CASES: readonly OpCase[] = [
  opCase({
    name: 'conv2d/pads',
    op: 'conv2d',
    inputs: { x: f(['N', 3, 6, 5]), w: f([4, 3, 3, 3]) },
    build: (_, { x, w }) => [x.conv2d(w, conv({ pads: [1, 1, 1, 1] }))],
  }),
  opCase({
    name: 'conv2d/grouped-stride-asymmetric-pads',
    op: 'conv2d',
    inputs: { x: f(['N', 4, 7, 6]), w: f([6, 2, 3, 2]) },
    build: (_, { x, w }) => [x.conv2d(w, conv({ strides: [2, 1], pads: [1, 0, 2, 1], group: 2 }))],
  }),
  opCase({
    name: 'conv2d/depthwise-dilated',
    op: 'conv2d',
    inputs: { x: f(['N', 3, 7, 7]), w: f([6, 1, 3, 3]) },
    build: (_, { x, w }) => [x.conv2d(w, conv({ strides: [1, 2], pads: [2, 2, 2, 1], dilations: [2, 2], group: 3 }))],
  }),
  opCase({
    // stride 1: the ONNX input gradient is a Conv with the kernel flipped and regrouped
    name: 'conv2d/grouped-stride1',
    op: 'conv2d',
    inputs: { x: f(['N', 4, 5, 5]), w: f([6, 2, 3, 3]) },
    build: (_, { x, w }) => [x.conv2d(w, conv({ pads: [1, 0, 2, 1], group: 2 }))],
  }),
  opCase({
    name: 'conv2d/depthwise-stride1',
    op: 'conv2d',
    inputs: { x: f(['N', 3, 5, 5]), w: f([3, 1, 3, 3]) },
    build: (_, { x, w }) => [x.conv2d(w, conv({ pads: [1, 1, 1, 1], group: 3 }))],
  }),
  opCase({
    // one output channel (a heatmap head): the flipped kernel of the input gradient is [C, 1, kh, kw]
    name: 'conv2d/one-output-channel',
    op: 'conv2d',
    inputs: { x: f(['N', 3, 4, 5]), w: f([1, 3, 3, 3]) },
    build: (_, { x, w }) => [x.conv2d(w, conv({ pads: [1, 1, 1, 1] }))],
  }),
  opCase({
    // 9 input channels to 16: onnxruntime-web's WebGPU Conv got this wrong (a channel count not a multiple of 4)
    name: 'conv2d/nine-to-sixteen-channels',
    op: 'conv2d',
    inputs: { x: f(['N', 9, 6, 6]), w: f([16, 9, 3, 3]) },
    build: (_, { x, w }) => [x.conv2d(w, conv({ pads: [1, 1, 1, 1] }))],
  }),
  opCase({
    // 16 to 9 channels: its input gradient is a Conv from 9 channels to 16 (see above)
    name: 'conv2d/sixteen-to-nine-channels',
    op: 'conv2d',
    inputs: { x: f(['N', 16, 6, 6]), w: f([9, 16, 3, 3]) },
    build: (_, { x, w }) => [x.conv2d(w, conv({ pads: [1, 1, 1, 1] }))],
  }),
  opCase({
    // kernel 2 < stride 3: rows and columns no window reads get a zero gradient
    name: 'conv2d/stride-over-kernel',
    op: 'conv2d',
    inputs: { x: f(['N', 2, 7, 7]), w: f([3, 2, 2, 2]) },
    build: (_, { x, w }) => [x.conv2d(w, conv({ strides: [3, 3] }))],
  }),
  opCase({
    // 7 rows at stride 2 leave one row over: ONNX needs output_padding 1 there
    name: 'conv2dBackpropInput/grouped-stride2',
    op: 'conv2dBackpropInput',
    inputs: { dy: f(['N', 4, 3, 3]), w: f([4, 1, 3, 3]) },
    build: (b, { dy, w }) =>
      b.apply('conv2dBackpropInput', [dy, w], {
        ...conv({ strides: [2, 2], pads: [1, 1, 0, 0], group: 2 }),
        inputSize: [7, 6],
      }),
  }),
  opCase({
    name: 'conv2dBackpropFilter/grouped-dilated',
    op: 'conv2dBackpropFilter',
    inputs: { x: f(['N', 4, 7, 6]), dy: f(['N', 2, 3, 5]) },
    build: (b, { x, dy }) =>
      b.apply('conv2dBackpropFilter', [x, dy], {
        ...conv({ strides: [2, 1], pads: [1, 0, 0, 1], dilations: [1, 2], group: 2 }),
        kernelSize: [3, 2],
      }),
  }),
  opCase({
    name: 'convTranspose2d/stride2-output-padding',
    op: 'convTranspose2d',
    inputs: { x: f(['N', 3, 3, 4]), w: f([3, 2, 3, 3]) },
    build: (_, { x, w }) => [
      x.convTranspose2d(w, { ...conv({ strides: [2, 2], pads: [1, 1, 1, 1] }), outputPadding: [1, 0] }),
    ],
  }),
  opCase({
    name: 'convTranspose2d/grouped-dilated-asymmetric',
    op: 'convTranspose2d',
    inputs: { x: f(['N', 4, 3, 3]), w: f([4, 2, 4, 4]) },
    build: (_, { x, w }) => [
      x.convTranspose2d(w, {
        ...conv({ strides: [2, 1], pads: [1, 2, 0, 1], dilations: [1, 2], group: 2 }),
        outputPadding: [1, 0],
      }),
    ],
  }),
  opCase({
    name: 'maxPool2d/3x3-stride2-pad1',
    op: 'maxPool2d',
    inputs: { x: f(['N', 2, 7, 6]) },
    build: (_, { x }) => [x.maxPool2d(pool([3, 3], { strides: [2, 2], pads: [1, 1, 1, 1] }))],
  }),
  opCase({
    // the last window of each axis hangs past the input; the channels are the symbolic dim
    name: 'maxPool2d/ceil-symbolic-channels',
    op: 'maxPool2d',
    inputs: { x: f([2, 'N', 7, 5]) },
    build: (_, { x }) => [x.maxPool2d(pool([2, 2], { ceilMode: true }))],
  }),
  opCase({
    name: 'maxPool2d/dilated-asymmetric',
    op: 'maxPool2d',
    inputs: { x: f(['N', 2, 7, 5]) },
    build: (_, { x }) => [x.maxPool2d(pool([3, 2], { strides: [2, 2], pads: [1, 0, 1, 1], dilations: [2, 1] }))],
  }),
  opCase({
    // 7 rows and 5 columns at stride 2 leave the last row and column unread: their gradient is 0
    name: 'maxPool2d/leftover-cells',
    op: 'maxPool2d',
    inputs: { x: f(['N', 2, 7, 5]) },
    build: (_, { x }) => [x.maxPool2d(pool([2, 2]))],
  }),
  opCase({
    // pad 2 fits the dilated window (span 4) but not onnxruntime's MaxPool (pads below the kernel size)
    name: 'maxPool2d/dilated-wide-pad',
    op: 'maxPool2d',
    inputs: { x: f(['N', 2, 6, 6]) },
    build: (_, { x }) => [x.maxPool2d(pool([2, 2], { strides: [1, 1], pads: [2, 2, 2, 2], dilations: [3, 3] }))],
  }),
  opCase({
    // small integers: windows hold ties, the first maximum (row-major) takes the gradient
    name: 'maxPool2dGrad/ties',
    op: 'maxPool2dGrad',
    inputs: { x: f(['N', 2, 7, 5], 'ties'), g1: f(['N', 2, 7, 5]), g2: f(['N', 2, 4, 3]) },
    build: (b, { x, g1, g2 }) => [
      ...b.apply('maxPool2dGrad', [x, g1], pool([3, 3], { strides: [1, 1], pads: [1, 1, 1, 1] })),
      ...b.apply('maxPool2dGrad', [x, g2], pool([2, 2], { ceilMode: true })),
    ],
    grad: false,
  }),
  opCase({
    name: 'avgPool2d/include-pad',
    op: 'avgPool2d',
    inputs: { x: f(['N', 2, 7, 6]) },
    build: (_, { x }) => [
      x.avgPool2d({ ...pool([3, 3], { strides: [2, 2], pads: [1, 1, 1, 1] }), countIncludePad: true }),
    ],
  }),
  opCase({
    name: 'avgPool2d/exclude-pad-ceil',
    op: 'avgPool2d',
    inputs: { x: f(['N', 2, 7, 6]) },
    build: (_, { x }) => [
      x.avgPool2d({
        ...pool([3, 3], { strides: [2, 2], pads: [1, 1, 0, 0], ceilMode: true }),
        countIncludePad: false,
      }),
    ],
  }),
  opCase({
    // the last row of windows hangs past the bottom pad: its divisor counts the pad, not the overhang
    name: 'avgPool2d/include-pad-ceil-symbolic-channels',
    op: 'avgPool2d',
    inputs: { x: f([2, 'N', 8, 6]) },
    build: (_, { x }) => [
      x.avgPool2d({
        ...pool([3, 3], { strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true }),
        countIncludePad: true,
      }),
    ],
  }),
  opCase({
    name: 'avgPool2d/leftover-cells',
    op: 'avgPool2d',
    inputs: { x: f(['N', 2, 7, 5]) },
    build: (_, { x }) => [x.avgPool2d({ ...pool([2, 2]), countIncludePad: false })],
  }),
  opCase({
    name: 'avgPool2dGrad/exclude-pad',
    op: 'avgPool2dGrad',
    inputs: { dy: f(['N', 2, 4, 3]) },
    build: (b, { dy }) =>
      b.apply('avgPool2dGrad', [dy], {
        ...pool([3, 3], { strides: [2, 2], pads: [1, 1, 1, 1] }),
        countIncludePad: false,
        inputSize: [7, 6],
      }),
  }),
  opCase({
    name: 'resizeNearest',
    op: 'resizeNearest',
    inputs: { x: f(['N', 2, 3, 4]), y: f([2, 'N', 2, 2]) },
    build: (_, { x, y }) => [x.resizeNearest([2, 3]), y.resizeNearest([2, 2])],
  }),
  ...randomConvPoolCases(16, 2026),
];
