import type { GraphBuilder, Tensor } from '../builder.js';
import type { OpName } from '../ir/ops.js';
import type { Dim, DType } from '../ir/types.js';
import { CONV_POOL_CASES } from './conv-pool-cases.js';

/** How a case's input is drawn. */
export type Draw =
  | 'normal' // N(0, 1)
  | 'positive' // uniform (0.5, 2)
  | 'bool'
  | 'ties' // small integers as floats, so that ties happen
  | readonly [lo: number, hi: number]; // uniform integers in [lo, hi), int32

export interface OpInput {
  readonly dtype: DType;
  readonly shape: readonly Dim[];
  readonly draw: Draw;
}

/** One conformance case: a tiny graph around one op, run on random inputs. */
export interface OpCase {
  readonly name: string;
  readonly op: OpName;
  readonly inputs: Readonly<Record<string, OpInput>>;
  /** builds the outputs from the inputs (in `inputs` order) */
  readonly build: (b: GraphBuilder, x: Tensor[]) => Tensor[];
  /** also check the VJP (backward graph) of this case; default: when an output and an input are float */
  readonly grad?: boolean;
  /**
   * the inputs sit on the op's kinks on purpose: its VJP there follows PyTorch's convention, which finite
   * differences do not see (packages/core/test/activation-kinks.test.ts checks it against PyTorch)
   */
  readonly atKinks?: boolean;
}

const f = (shape: readonly Dim[], draw: Draw = 'normal'): OpInput => ({ dtype: 'float32', shape, draw });
const i = (shape: readonly Dim[], lo: number, hi: number): OpInput => ({ dtype: 'int32', shape, draw: [lo, hi] });
const bool = (shape: readonly Dim[]): OpInput => ({ dtype: 'bool', shape, draw: 'bool' });

const binary = (op: OpName, method: keyof Tensor, y: Draw = 'normal', x: Draw = 'normal'): OpCase => ({
  name: `${op}/broadcast`,
  op,
  inputs: { x: f(['N', 3], x), y: f([3], y) },
  build: (_, [a, b]) => [(a![method] as (o: Tensor) => Tensor).call(a, b!)],
});

const compare = (op: OpName, method: keyof Tensor): OpCase => ({
  name: `${op}/ties`,
  op,
  inputs: { x: f(['N', 4], 'ties'), y: f(['N', 1], 'ties') },
  build: (_, [a, b]) => [(a![method] as (o: Tensor) => Tensor).call(a, b!)],
});

const unary = (op: OpName, method: keyof Tensor, draw: Draw = 'normal'): OpCase => ({
  name: op,
  op,
  inputs: { x: f(['N', 3], draw) },
  build: (_, [a]) => [(a![method] as () => Tensor).call(a)],
});

/** Every op of the IR, at least once; symbolic N (bound to 3 or more) keeps runtimes honest about dynamic dims. */
export const OP_CASES: readonly OpCase[] = [
  binary('add', 'add'),
  {
    name: 'add/int32',
    op: 'add',
    inputs: { x: i(['N', 3], -5, 5), y: i([1], -5, 5) },
    build: (_, [a, b]) => [a!.add(b!)],
  },
  binary('sub', 'sub'),
  binary('mul', 'mul'),
  binary('div', 'div', 'positive'),
  binary('maximum', 'maximum'),
  binary('minimum', 'minimum'),
  compare('equal', 'equal'),
  {
    name: 'equal/int32',
    op: 'equal',
    inputs: { x: i(['N', 4], 0, 3), y: i([4], 0, 3) },
    build: (_, [a, b]) => [a!.equal(b!)],
  },
  compare('less', 'less'),
  compare('lessEqual', 'lessEqual'),
  compare('greater', 'greater'),
  compare('greaterEqual', 'greaterEqual'),
  { name: 'and', op: 'and', inputs: { x: bool(['N', 3]), y: bool([3]) }, build: (_, [a, b]) => [a!.and(b!)] },
  { name: 'or', op: 'or', inputs: { x: bool(['N', 3]), y: bool(['N', 1]) }, build: (_, [a, b]) => [a!.or(b!)] },
  { name: 'not', op: 'not', inputs: { x: bool(['N', 3]) }, build: (_, [a]) => [a!.not()] },
  {
    name: 'where/broadcast',
    op: 'where',
    inputs: { c: bool(['N', 3]), x: f(['N', 3]), y: f([3]) },
    build: (b, [c, x, y]) => [b.where(c!, x!, y!)],
  },
  { name: 'cast/float-int32', op: 'cast', inputs: { x: f(['N', 3]) }, build: (_, [a]) => [a!.mul(3).cast('int32')] },
  { name: 'cast/int32-float', op: 'cast', inputs: { x: i(['N', 3], -4, 4) }, build: (_, [a]) => [a!.cast('float32')] },
  {
    name: 'cast/bool-float',
    op: 'cast',
    inputs: { x: bool(['N', 3]) },
    build: (_, [a]) => [a!.cast('float32'), a!.cast('int32')],
  },
  { name: 'cast/float-bool', op: 'cast', inputs: { x: f(['N', 3], 'ties') }, build: (_, [a]) => [a!.cast('bool')] },
  unary('exp', 'exp'),
  unary('log', 'log', 'positive'),
  unary('abs', 'abs'),
  unary('neg', 'neg'),
  unary('sqrt', 'sqrt', 'positive'),
  // wide range: the ONNX lowering reduces |x| > 1 and |x| > tan(pi/8) before its polynomial
  {
    name: 'atan',
    op: 'atan',
    inputs: { x: f(['N', 8]) },
    build: (_, [a]) => [a!.mul(4).atan(), a!.mul(a!).mul(100).atan()],
  },
  { name: 'sign', op: 'sign', inputs: { x: f(['N', 3], 'ties') }, build: (_, [a]) => [a!.sign()], grad: false },
  { name: 'reduceSum/axis1', op: 'reduceSum', inputs: { x: f(['N', 3, 4]) }, build: (_, [a]) => [a!.sum([1])] },
  {
    name: 'reduceSum/keepDims',
    op: 'reduceSum',
    inputs: { x: f(['N', 3, 4]) },
    build: (_, [a]) => [a!.sum([0, 2], true)],
  },
  { name: 'reduceSum/all', op: 'reduceSum', inputs: { x: f(['N', 3]) }, build: (_, [a]) => [a!.sum()] },
  { name: 'reduceSum/int32', op: 'reduceSum', inputs: { x: i(['N', 3], -9, 9) }, build: (_, [a]) => [a!.sum([1])] },
  { name: 'reduceMax/axis1', op: 'reduceMax', inputs: { x: f(['N', 5, 2]) }, build: (_, [a]) => [a!.max([1])] },
  { name: 'reduceMax/keepDims', op: 'reduceMax', inputs: { x: f(['N', 5]) }, build: (_, [a]) => [a!.max([1], true)] },
  {
    name: 'argMax/ties',
    op: 'argMax',
    inputs: { x: f(['N', 6, 2], 'ties') },
    build: (_, [a]) => [a!.argMax(1), a!.argMax(2, true)],
  },
  { name: 'logSoftmax', op: 'logSoftmax', inputs: { x: f(['N', 4, 5]) }, build: (_, [a]) => [a!.mul(3).logSoftmax(2)] },
  {
    name: 'softmaxCrossEntropy',
    op: 'softmaxCrossEntropy',
    inputs: { x: f(['N', 4, 5]), label: i(['N', 4], 0, 5) },
    build: (_, [x, label]) => [x!.mul(3).softmaxCrossEntropy(label!)],
  },
  {
    // equal logits in a row (ties): ce = log(C) there, the gradient 1/C - onehot
    name: 'softmaxCrossEntropy/ties-rank1',
    op: 'softmaxCrossEntropy',
    inputs: { x: f([6], 'ties'), label: i([], 0, 6) },
    build: (_, [x, label]) => [x!.softmaxCrossEntropy(label!)],
  },
  {
    // g drawn from {-1, 0, 1}: rows with g = 0 must come back exactly 0
    name: 'softmaxCrossEntropyGrad/zero-rows',
    op: 'softmaxCrossEntropyGrad',
    inputs: { x: f(['N', 5, 4]), label: i(['N', 5], 0, 4), g: f(['N', 5], 'ties') },
    build: (b, [x, label, g]) => [b.apply('softmaxCrossEntropyGrad', [x!.mul(2), label!, g!], {})[0]!],
    grad: false,
  },
  { name: 'smoothL1', op: 'smoothL1', inputs: { x: f(['N', 5]) }, build: (_, [a]) => [a!.mul(2).smoothL1()] },
  { name: 'reshape', op: 'reshape', inputs: { x: f(['N', 6]) }, build: (_, [a]) => [a!.reshape(['N', 2, 3])] },
  {
    name: 'expand',
    op: 'expand',
    inputs: { x: f([1, 3]), y: f(['N', 1]) },
    build: (_, [a, y]) => [a!.expand(['N', 3]).mul(y!)],
  },
  { name: 'slice', op: 'slice', inputs: { x: f(['N', 5]) }, build: (_, [a]) => [a!.slice(1, 1, 4), a!.slice(1, 3)] },
  {
    name: 'concat',
    op: 'concat',
    inputs: { x: f(['N', 2]), y: f(['N', 3]) },
    build: (b, [x, y]) => [b.concat([x!, y!, x!], 1)],
  },
  {
    name: 'unsqueeze',
    op: 'unsqueeze',
    inputs: { x: f(['N', 3]) },
    build: (_, [a]) => [a!.unsqueeze(1), a!.unsqueeze(2)],
  },
  { name: 'squeeze', op: 'squeeze', inputs: { x: f(['N', 1, 3]) }, build: (_, [a]) => [a!.squeeze(1)] },
  { name: 'transpose', op: 'transpose', inputs: { x: f(['N', 3, 4]) }, build: (_, [a]) => [a!.transpose([2, 0, 1])] },
  {
    name: 'gather',
    op: 'gather',
    inputs: { x: f(['N', 4, 2]), idx: i([2, 3], 0, 4) },
    build: (_, [x, idx]) => [x!.gather(idx!, 1)],
  },
  {
    name: 'gatherRows',
    op: 'gatherRows',
    inputs: { x: f(['N', 4, 2]), idx: i(['N', 3], 0, 4), y: f(['N', 5]), k: i(['N'], 0, 5) },
    build: (_, [x, idx, y, k]) => [x!.gatherRows(idx!), y!.gatherRows(k!)],
  },
  {
    name: 'gatherElements',
    op: 'gatherElements',
    inputs: { x: f(['N', 5]), idx: i(['N', 3], 0, 5) },
    build: (_, [x, idx]) => [x!.gatherElements(idx!, 1)],
  },
  {
    name: 'gatherElements/one-per-lane',
    op: 'gatherElements',
    inputs: { x: f(['N', 4, 3]), idx: i(['N', 1, 3], 0, 4), y: f(['N', 5]), k: i(['N', 1], 0, 5) },
    build: (_, [x, idx, y, k]) => [x!.gatherElements(idx!, 1), y!.gatherElements(k!, 1)],
  },
  {
    // int32 data beyond 16 bits, negative too (the WebGPU lowerings move int32 as two 16-bit halves)
    name: 'gatherElements/int32',
    op: 'gatherElements',
    inputs: { x: i(['N', 5], -200000, 200000), idx: i(['N', 3], 0, 5) },
    build: (_, [x, idx]) => [x!.gatherElements(idx!, 1)],
  },
  {
    name: 'gatherRows/int32',
    op: 'gatherRows',
    inputs: { x: i(['N', 4, 2], -200000, 200000), idx: i(['N', 3], 0, 4) },
    build: (_, [x, idx]) => [x!.gatherRows(idx!)],
  },
  {
    name: 'scatterElements/add',
    op: 'scatterElements',
    inputs: { x: f(['N', 5]), idx: i(['N', 4], 0, 5), u: f(['N', 4]) },
    build: (_, [x, idx, u]) => [x!.scatterElements(idx!, u!, 1, 'add')],
  },
  {
    // unique indices per row: the positions of a stable sort are a permutation
    name: 'scatterElements/none',
    op: 'scatterElements',
    inputs: { x: f(['N', 5]), key: f(['N', 5]), u: f(['N', 5]) },
    build: (_, [x, key, u]) => [x!.scatterElements(key!.sort(1)[1], u!, 1, 'none')],
  },
  {
    name: 'scatterElements/max',
    op: 'scatterElements',
    inputs: { x: i(['N', 5], -3, 3), idx: i(['N', 4], 0, 5), u: i(['N', 4], -4, 4) },
    build: (_, [x, idx, u]) => [x!.scatterElements(idx!, u!, 1, 'max')],
  },
  {
    name: 'scatterElements/max-float-axis0',
    op: 'scatterElements',
    inputs: { x: f([4, 'N'], 'ties'), idx: i([6, 'N'], 0, 4), u: f([6, 'N'], 'ties') },
    build: (_, [x, idx, u]) => [x!.scatterElements(idx!, u!, 0, 'max')],
    grad: false,
  },
  { name: 'topk/largest', op: 'topk', inputs: { x: f(['N', 6]) }, build: (_, [a]) => a!.topk(3, 1, true) },
  {
    // k from the data: the outputs' last dim is data-dependent; range(k) uses that dim in an attribute
    name: 'topk/tensor-k',
    op: 'topk',
    inputs: { x: f(['N', 6]), k: i([], 1, 7) },
    build: (b, [a, k]) => {
      const [v, idx] = a!.topk(k!, 1, true);
      return [v!.mul(v!).sum([1]), idx!, b.range(idx!.shape[1]!)];
    },
  },
  {
    name: 'topk/tensor-k-smallest-ties-axis0',
    op: 'topk',
    inputs: { x: f([7, 'N'], 'ties'), k: i([], 0, 8) },
    build: (_, [a, k]) => {
      const [v, idx] = a!.topk(k!, 0, false);
      return [v!.sum([0]), idx!];
    },
    grad: false,
  },
  {
    name: 'topk/smallest-ties',
    op: 'topk',
    inputs: { x: f(['N', 6], 'ties') },
    build: (_, [a]) => a!.topk(4, 1, false),
    grad: false,
  },
  { name: 'sort/descending', op: 'sort', inputs: { x: f(['N', 7]) }, build: (_, [a]) => a!.sort(1, true) },
  {
    name: 'sort/ties',
    op: 'sort',
    inputs: { x: f(['N', 7], 'ties') },
    build: (_, [a]) => a!.sort(1, true),
    grad: false,
  },
  { name: 'sort/int32', op: 'sort', inputs: { x: i(['N', 7], 0, 4) }, build: (_, [a]) => a!.sort(1, false) },
  { name: 'cumsum', op: 'cumsum', inputs: { x: f(['N', 5]) }, build: (_, [a]) => [a!.cumsum(1)] },
  {
    name: 'cumsum/exclusive-reverse',
    op: 'cumsum',
    inputs: { x: f(['N', 5]) },
    build: (_, [a]) => [a!.cumsum(1, { exclusive: true, reverse: true })],
  },
  { name: 'range', op: 'range', inputs: { x: f(['N']) }, build: (b, [x]) => [b.range('N'), x!.mul(2)] },
  { name: 'oneHot', op: 'oneHot', inputs: { idx: i(['N', 3], 0, 4) }, build: (_, [idx]) => [idx!.oneHot(4)] },
  {
    name: 'constant',
    op: 'constant',
    inputs: { x: f(['N', 2]) },
    build: (b, [x]) => [x!.mul(b.constant([1.5, -2], 'float32', [2]))],
  },
  ...CONV_POOL_CASES,
  { name: 'relu', op: 'relu', inputs: { x: f(['N', 4]) }, build: (_, [a]) => [a!.relu()] },
  { name: 'relu/kinks', op: 'relu', inputs: { x: f(['N', 4], 'ties') }, build: (_, [a]) => [a!.relu()], atKinks: true },
  { name: 'clip', op: 'clip', inputs: { x: f(['N', 4]) }, build: (_, [a]) => [a!.clip(-0.5, 1)] },
  {
    // ties are -1, 0, 1: both bounds of clip(-1, 1), and relu6's 0 and 6
    name: 'clip/kinks',
    op: 'clip',
    inputs: { x: f(['N', 4], 'ties') },
    build: (_, [a]) => [a!.clip(-1, 1), a!.mul(3).add(3).clip(0, 6)],
    atKinks: true,
  },
  { name: 'leakyRelu', op: 'leakyRelu', inputs: { x: f(['N', 4]) }, build: (_, [a]) => [a!.leakyRelu(0.1)] },
  {
    name: 'leakyRelu/kinks',
    op: 'leakyRelu',
    inputs: { x: f(['N', 4], 'ties') },
    build: (_, [a]) => [a!.leakyRelu(0.01)],
    atKinks: true,
  },
  { name: 'sigmoid', op: 'sigmoid', inputs: { x: f(['N', 4]) }, build: (_, [a]) => [a!.mul(3).sigmoid()] },
  { name: 'tanh', op: 'tanh', inputs: { x: f(['N', 4]) }, build: (_, [a]) => [a!.mul(2).tanh()] },
  {
    // PyTorch's hardsigmoid (1/6, 1/2) and ONNX's default (0.2, 0.5)
    name: 'hardSigmoid',
    op: 'hardSigmoid',
    inputs: { x: f(['N', 4]) },
    build: (_, [a]) => [a!.mul(3).hardSigmoid(1 / 6, 0.5), a!.mul(3).hardSigmoid(0.2, 0.5)],
  },
  {
    name: 'hardSigmoid/kinks',
    op: 'hardSigmoid',
    inputs: { x: f(['N', 4], 'ties') },
    build: (_, [a]) => [a!.mul(3).hardSigmoid(1 / 6, 0.5)],
    atKinks: true,
  },
  { name: 'hardSwish', op: 'hardSwish', inputs: { x: f(['N', 4]) }, build: (_, [a]) => [a!.mul(3).hardSwish()] },
  {
    name: 'hardSwish/kinks',
    op: 'hardSwish',
    inputs: { x: f(['N', 4], 'ties') },
    build: (_, [a]) => [a!.mul(3).hardSwish()],
    atKinks: true,
  },
  { name: 'matMul', op: 'matMul', inputs: { x: f(['N', 4]), y: f([4, 3]) }, build: (_, [a, b]) => [a!.matMul(b!)] },
  {
    // batch dims broadcast both ways: [N, 1] against [4], and a rank-2 operand against a rank-3 one
    name: 'matMul/broadcast',
    op: 'matMul',
    inputs: { x: f(['N', 1, 2, 3]), y: f([4, 3, 5]), z: f([5, 2]) },
    build: (_, [a, b, c]) => [a!.matMul(b!), b!.matMul(c!)],
  },
  {
    name: 'stopGradient',
    op: 'stopGradient',
    inputs: { x: f(['N', 3]) },
    build: (_, [x]) => [x!.stopGradient().mul(x!)],
  },
];
