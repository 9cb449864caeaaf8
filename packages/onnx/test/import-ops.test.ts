import { GraphBuilder, interpret, type Tensor } from '@lossgraph/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../src/index.js';
import { expectClose } from './import-helpers.js';
import { type CraftInitializer, type CraftNode, craftModel } from './onnx-craft.js';

// One ONNX node at a time, with the attribute forms PyTorch's exporter does not write (auto_pad, output_shape,
// opset-18 inputs, negative steps, ...). The reference is onnxruntime-node running the same bytes.

interface OpCase {
  readonly name: string;
  readonly inputs: Readonly<Record<string, readonly number[]>>;
  readonly nodes: readonly CraftNode[];
  readonly initializers?: readonly CraftInitializer[];
  readonly outputs?: readonly string[];
  readonly opset?: number;
}

const ints = (name: string, values: readonly number[]): CraftInitializer => ({
  name,
  dims: [values.length],
  values,
  type: 'int64',
});
const floats = (name: string, dims: readonly number[], values: readonly number[]): CraftInitializer => ({
  name,
  dims,
  values,
});

/** a deterministic pseudo-random fill in [-1, 1) */
function fill(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

const weight = (name: string, dims: readonly number[], seed: number) =>
  floats(
    name,
    dims,
    Array.from(
      fill(
        dims.reduce((a, b) => a * b, 1),
        seed,
      ),
    ),
  );

const CASES: readonly OpCase[] = [
  ...(['SAME_UPPER', 'SAME_LOWER', 'VALID'] as const).map(
    (autoPad): OpCase => ({
      name: `Conv auto_pad ${autoPad}, stride 2, even kernel`,
      inputs: { x: [1, 2, 7, 6] },
      nodes: [{ op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { auto_pad: autoPad, strides: [2, 2] } }],
      initializers: [weight('w', [3, 2, 2, 3], 1), weight('b', [3], 2)],
    }),
  ),
  {
    name: 'Conv grouped, dilated, asymmetric pads',
    inputs: { x: [2, 4, 6, 7] },
    nodes: [
      {
        op: 'Conv',
        inputs: ['x', 'w'],
        outputs: ['y'],
        attrs: { group: 2, dilations: [2, 1], pads: [1, 0, 2, 1], kernel_shape: [3, 3] },
      },
    ],
    initializers: [weight('w', [6, 2, 3, 3], 3)],
  },
  {
    name: 'ConvTranspose with output_padding and group',
    inputs: { x: [1, 4, 3, 3] },
    nodes: [
      {
        op: 'ConvTranspose',
        inputs: ['x', 'w', 'b'],
        outputs: ['y'],
        attrs: { strides: [2, 2], output_padding: [1, 0], pads: [1, 0, 0, 1], group: 2 },
      },
    ],
    initializers: [weight('w', [4, 3, 3, 3], 4), weight('b', [6], 5)],
  },
  {
    name: 'ConvTranspose with output_shape',
    inputs: { x: [1, 2, 3, 4] },
    nodes: [
      { op: 'ConvTranspose', inputs: ['x', 'w'], outputs: ['y'], attrs: { strides: [2, 2], output_shape: [6, 8] } },
    ],
    initializers: [weight('w', [2, 3, 3, 3], 6)],
  },
  {
    name: 'MaxPool auto_pad SAME_UPPER, AveragePool count_include_pad',
    inputs: { x: [1, 2, 5, 5] },
    nodes: [
      {
        op: 'MaxPool',
        inputs: ['x'],
        outputs: ['y'],
        attrs: { kernel_shape: [3, 2], strides: [2, 2], auto_pad: 'SAME_UPPER' },
      },
      {
        op: 'AveragePool',
        inputs: ['x'],
        outputs: ['z'],
        attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 },
      },
    ],
    outputs: ['y', 'z'],
  },
  {
    name: 'Resize from sizes and with axes, GlobalAveragePool, ReduceMean with axes as input (opset 18)',
    opset: 18,
    inputs: { x: [1, 2, 2, 3] },
    nodes: [
      {
        op: 'Resize',
        inputs: ['x', '', '', 'sizes'],
        outputs: ['y'],
        attrs: { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' },
      },
      {
        op: 'Resize',
        inputs: ['x', '', 'scales'],
        outputs: ['z'],
        attrs: { axes: [3, 2], mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' },
      },
      { op: 'GlobalAveragePool', inputs: ['x'], outputs: ['g'] },
      { op: 'ReduceMean', inputs: ['x', 'axes'], outputs: ['m'], attrs: { keepdims: 0 } },
    ],
    initializers: [ints('sizes', [1, 2, 6, 6]), ints('axes', [-1, 1]), floats('scales', [2], [3, 2])],
    outputs: ['y', 'z', 'g', 'm'],
  },
  {
    // SSD300's L2Norm: ReduceL2 over channels, a lower bound by Clip, Expand to the input's shape, Div
    name: 'ReduceL2 (opset 17 axes attribute), Clip with only a min, Expand by a Shape, ReduceSumSquare',
    inputs: { x: [2, 3, 2, 2] },
    nodes: [
      { op: 'ReduceL2', inputs: ['x'], outputs: ['n'], attrs: { axes: [1], keepdims: 1 } },
      { op: 'Clip', inputs: ['n', 'eps'], outputs: ['c'] },
      { op: 'Shape', inputs: ['x'], outputs: ['shape'] },
      { op: 'Expand', inputs: ['c', 'shape'], outputs: ['e'] },
      { op: 'Div', inputs: ['x', 'e'], outputs: ['y'] },
      { op: 'ReduceSumSquare', inputs: ['x'], outputs: ['q'], attrs: { axes: [0, 2], keepdims: 0 } },
    ],
    initializers: [floats('eps', [], [1e-12])],
    outputs: ['y', 'q'],
  },
  {
    name: 'Gemm transA, transB, alpha, beta; MatMul with a rank-1 operand',
    inputs: { a: [4, 3], v: [4] },
    nodes: [
      {
        op: 'Gemm',
        inputs: ['a', 'b', 'c'],
        outputs: ['y'],
        attrs: { transA: 1, transB: 1, alpha: { float: 0.5 }, beta: { float: 2 } },
      },
      { op: 'MatMul', inputs: ['v', 'a'], outputs: ['z'] },
    ],
    initializers: [weight('b', [5, 4], 7), weight('c', [5], 8)],
    outputs: ['y', 'z'],
  },
  {
    name: 'Slice with negative steps and clamped ends; Split by num_outputs (opset 18)',
    opset: 18,
    inputs: { x: [3, 7] },
    nodes: [
      { op: 'Slice', inputs: ['x', 'starts', 'ends', 'axes', 'steps'], outputs: ['y'] },
      { op: 'Split', inputs: ['x'], outputs: ['s0', 's1', 's2'], attrs: { axis: 1, num_outputs: 3 } },
    ],
    initializers: [ints('starts', [-1, 0]), ints('ends', [-1000, 100]), ints('axes', [1, 0]), ints('steps', [-2, 2])],
    outputs: ['y', 's0', 's1', 's2'],
  },
  {
    name: 'Squeeze without axes, Unsqueeze with negative axes, Flatten axis 0, Transpose default perm',
    inputs: { x: [2, 1, 3, 1] },
    nodes: [
      { op: 'Squeeze', inputs: ['x'], outputs: ['s'] },
      { op: 'Unsqueeze', inputs: ['s', 'axes'], outputs: ['u'] },
      { op: 'Flatten', inputs: ['x'], outputs: ['f'], attrs: { axis: 0 } },
      { op: 'Transpose', inputs: ['x'], outputs: ['t'] },
    ],
    initializers: [ints('axes', [-1, 0])],
    outputs: ['u', 'f', 't'],
  },
  {
    name: 'Clip with only a max, HardSigmoid and LeakyRelu with ONNX defaults, Softmax on axis 0, Pow 2',
    inputs: { x: [3, 4] },
    nodes: [
      { op: 'Clip', inputs: ['x', '', 'hi'], outputs: ['c'] },
      { op: 'HardSigmoid', inputs: ['x'], outputs: ['h'] },
      { op: 'LeakyRelu', inputs: ['x'], outputs: ['l'] },
      { op: 'Softmax', inputs: ['x'], outputs: ['s'], attrs: { axis: 0 } },
      { op: 'Pow', inputs: ['x', 'two'], outputs: ['p'] },
    ],
    initializers: [floats('hi', [], [0.25]), floats('two', [], [2])],
    outputs: ['c', 'h', 'l', 's', 'p'],
  },
  {
    name: 'Shape with start/end (opset 15), Gather with negative indices, ConstantOfShape, Range, Expand',
    inputs: { x: [2, 3, 4] },
    nodes: [
      { op: 'Shape', inputs: ['x'], outputs: ['shape'], attrs: { start: 1 } },
      { op: 'Gather', inputs: ['x', 'idx'], outputs: ['g'], attrs: { axis: 2 } },
      { op: 'Shape', inputs: ['g'], outputs: ['gshape'], attrs: { start: -2 } },
      { op: 'ConstantOfShape', inputs: ['gshape'], outputs: ['zeros'] },
      { op: 'Add', inputs: ['g', 'zeros'], outputs: ['gz'] },
      { op: 'Range', inputs: ['r0', 'r1', 'r2'], outputs: ['r'] },
      { op: 'Cast', inputs: ['r'], outputs: ['rf'], attrs: { to: 1 } },
      { op: 'Mul', inputs: ['x', 'rf'], outputs: ['xr'] },
      { op: 'Expand', inputs: ['rf', 'shape'], outputs: ['e'] },
    ],
    initializers: [
      ints('idx', [-1, 0]),
      { name: 'r0', dims: [], values: [0], type: 'int64' },
      { name: 'r1', dims: [], values: [8], type: 'int64' },
      { name: 'r2', dims: [], values: [2], type: 'int64' },
    ],
    outputs: ['gz', 'xr', 'e'],
  },
];

async function runOrt(bytes: Uint8Array, feeds: Record<string, { shape: readonly number[]; data: Float32Array }>) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const res = await session.run(
      Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.shape)])),
    );
    return Object.fromEntries(
      Object.entries(res).map(([k, v]) => [k, { shape: v.dims, data: v.data as Float32Array }]),
    );
  } finally {
    await session.release();
  }
}

describe.each(CASES)('importOnnx vs onnxruntime: $name', (c) => {
  it('the imported forward matches onnxruntime-node on the same model', async () => {
    const outputs = c.outputs ?? ['y'];
    const bytes = craftModel({
      opset: c.opset ?? 17,
      inputs: Object.entries(c.inputs).map(([name, dims]) => ({ name, dims })),
      outputs,
      nodes: c.nodes,
      initializers: c.initializers ?? [],
    });
    const feeds = Object.fromEntries(
      Object.entries(c.inputs).map(([name, shape], i) => [
        name,
        {
          shape,
          data: fill(
            shape.reduce((a, b) => a * b, 1),
            100 + i,
          ),
        },
      ]),
    );
    const want = await runOrt(bytes, feeds);

    const model = importOnnx(bytes);
    const b = new GraphBuilder();
    const feedsOf = (list: readonly { name: string; shape: readonly number[] }[]) =>
      Object.fromEntries(list.map((t): [string, Tensor] => [t.name, b.input(t.name, 'float32', t.shape)]));
    const fwd = model.emit(
      b,
      { inputs: feedsOf(model.inputs), parameters: feedsOf(model.parameters), state: {} },
      'eval',
    );
    for (const [name, t] of Object.entries(fwd.outputs)) b.output(name, t);
    const got = interpret(b.build(), {
      ...feeds,
      ...Object.fromEntries(model.parameters.map((p) => [p.name, { shape: p.shape, data: p.data }])),
    });
    for (const o of outputs) {
      expect(got[o]?.shape, `${o}: shape`).toEqual(want[o]?.shape);
      expectClose(got[o]?.data ?? [], want[o]?.data ?? [], 1e-5, o);
    }
  });
});
