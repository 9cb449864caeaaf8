import type { Tensor } from '../builder.js';
import { first } from '../ir/at.js';
import type { OpName } from '../ir/ops.js';
import { dimAt } from '../ir/shape.js';
import type { Dim } from '../ir/types.js';
import { CONV_POOL_CASES } from './conv-pool-cases.js';
import { type Draw, type OpCase, type OpInput, opCase } from './op-case.js';

const f = (shape: readonly Dim[], draw: Draw = 'normal'): OpInput => ({ dtype: 'float32', shape, draw });
const i = (shape: readonly Dim[], lo: number, hi: number): OpInput => ({ dtype: 'int32', shape, draw: [lo, hi] });
const bool = (shape: readonly Dim[]): OpInput => ({ dtype: 'bool', shape, draw: 'bool' });

const binary = (op: OpName, method: keyof Tensor, y: Draw = 'normal', x: Draw = 'normal'): OpCase =>
  opCase({
    name: `${op}/broadcast`,
    op,
    inputs: { x: f(['N', 3], x), y: f([3], y) },
    build: (_, { x: a, y: b }) => [(a[method] as (o: Tensor) => Tensor).call(a, b)],
  });

const compare = (op: OpName, method: keyof Tensor): OpCase =>
  opCase({
    name: `${op}/ties`,
    op,
    inputs: { x: f(['N', 4], 'ties'), y: f(['N', 1], 'ties') },
    build: (_, { x: a, y: b }) => [(a[method] as (o: Tensor) => Tensor).call(a, b)],
  });

const unary = (op: OpName, method: keyof Tensor, draw: Draw = 'normal'): OpCase =>
  opCase({
    name: op,
    op,
    inputs: { x: f(['N', 3], draw) },
    build: (_, { x: a }) => [(a[method] as () => Tensor).call(a)],
  });

/** Every op of the IR, at least once; symbolic N (bound to 3 or more) keeps runtimes honest about dynamic dims. */
export const OP_CASES: readonly OpCase[] = [
  binary('add', 'add'),
  opCase({
    name: 'add/int32',
    op: 'add',
    inputs: { x: i(['N', 3], -5, 5), y: i([1], -5, 5) },
    build: (_, { x: a, y: b }) => [a.add(b)],
  }),
  binary('sub', 'sub'),
  binary('mul', 'mul'),
  binary('div', 'div', 'positive'),
  binary('maximum', 'maximum'),
  binary('minimum', 'minimum'),
  compare('equal', 'equal'),
  opCase({
    name: 'equal/int32',
    op: 'equal',
    inputs: { x: i(['N', 4], 0, 3), y: i([4], 0, 3) },
    build: (_, { x: a, y: b }) => [a.equal(b)],
  }),
  compare('less', 'less'),
  compare('lessEqual', 'lessEqual'),
  compare('greater', 'greater'),
  compare('greaterEqual', 'greaterEqual'),
  opCase({
    name: 'and',
    op: 'and',
    inputs: { x: bool(['N', 3]), y: bool([3]) },
    build: (_, { x: a, y: b }) => [a.and(b)],
  }),
  opCase({
    name: 'or',
    op: 'or',
    inputs: { x: bool(['N', 3]), y: bool(['N', 1]) },
    build: (_, { x: a, y: b }) => [a.or(b)],
  }),
  opCase({ name: 'not', op: 'not', inputs: { x: bool(['N', 3]) }, build: (_, { x: a }) => [a.not()] }),
  opCase({
    name: 'where/broadcast',
    op: 'where',
    inputs: { c: bool(['N', 3]), x: f(['N', 3]), y: f([3]) },
    build: (b, { c, x, y }) => [b.where(c, x, y)],
  }),
  opCase({
    // bool values, the condition broadcast along a middle axis (tfjs-wasm's Select mishandles bool values)
    name: 'where/bool',
    op: 'where',
    inputs: { c: bool(['N', 1, 40]), x: bool(['N', 4, 40]), y: bool(['N', 4, 40]) },
    build: (b, { c, x, y }) => [b.where(c, x, y)],
  }),
  opCase({
    name: 'cast/float-int32',
    op: 'cast',
    inputs: { x: f(['N', 3]) },
    build: (_, { x: a }) => [a.mul(3).cast('int32')],
  }),
  opCase({
    name: 'cast/int32-float',
    op: 'cast',
    inputs: { x: i(['N', 3], -4, 4) },
    build: (_, { x: a }) => [a.cast('float32')],
  }),
  opCase({
    name: 'cast/bool-float',
    op: 'cast',
    inputs: { x: bool(['N', 3]) },
    build: (_, { x: a }) => [a.cast('float32'), a.cast('int32')],
  }),
  opCase({
    name: 'cast/float-bool',
    op: 'cast',
    inputs: { x: f(['N', 3], 'ties') },
    build: (_, { x: a }) => [a.cast('bool')],
  }),
  unary('exp', 'exp'),
  unary('log', 'log', 'positive'),
  unary('abs', 'abs'),
  unary('neg', 'neg'),
  unary('sqrt', 'sqrt', 'positive'),
  // wide range: the ONNX lowering reduces |x| > 1 and |x| > tan(pi/8) before its polynomial
  opCase({
    name: 'atan',
    op: 'atan',
    inputs: { x: f(['N', 8]) },
    build: (_, { x: a }) => [a.mul(4).atan(), a.mul(a).mul(100).atan()],
  }),
  opCase({
    name: 'sign',
    op: 'sign',
    inputs: { x: f(['N', 3], 'ties') },
    build: (_, { x: a }) => [a.sign()],
    grad: false,
  }),
  opCase({
    name: 'reduceSum/axis1',
    op: 'reduceSum',
    inputs: { x: f(['N', 3, 4]) },
    build: (_, { x: a }) => [a.sum([1])],
  }),
  opCase({
    name: 'reduceSum/keepDims',
    op: 'reduceSum',
    inputs: { x: f(['N', 3, 4]) },
    build: (_, { x: a }) => [a.sum([0, 2], true)],
  }),
  opCase({ name: 'reduceSum/all', op: 'reduceSum', inputs: { x: f(['N', 3]) }, build: (_, { x: a }) => [a.sum()] }),
  opCase({
    name: 'reduceSum/int32',
    op: 'reduceSum',
    inputs: { x: i(['N', 3], -9, 9) },
    build: (_, { x: a }) => [a.sum([1])],
  }),
  opCase({
    name: 'reduceMax/axis1',
    op: 'reduceMax',
    inputs: { x: f(['N', 5, 2]) },
    build: (_, { x: a }) => [a.max([1])],
  }),
  opCase({
    name: 'reduceMax/keepDims',
    op: 'reduceMax',
    inputs: { x: f(['N', 5]) },
    build: (_, { x: a }) => [a.max([1], true)],
  }),
  opCase({
    name: 'argMax/ties',
    op: 'argMax',
    inputs: { x: f(['N', 6, 2], 'ties') },
    build: (_, { x: a }) => [a.argMax(1), a.argMax(2, true)],
  }),
  opCase({
    name: 'logSoftmax',
    op: 'logSoftmax',
    inputs: { x: f(['N', 4, 5]) },
    build: (_, { x: a }) => [a.mul(3).logSoftmax(2)],
  }),
  opCase({
    name: 'softmaxCrossEntropy',
    op: 'softmaxCrossEntropy',
    inputs: { x: f(['N', 4, 5]), label: i(['N', 4], 0, 5) },
    build: (_, { x, label }) => [x.mul(3).softmaxCrossEntropy(label)],
  }),
  opCase({
    // equal logits in a row (ties): ce = log(C) there, the gradient 1/C - onehot
    name: 'softmaxCrossEntropy/ties-rank1',
    op: 'softmaxCrossEntropy',
    inputs: { x: f([6], 'ties'), label: i([], 0, 6) },
    build: (_, { x, label }) => [x.softmaxCrossEntropy(label)],
  }),
  opCase({
    // g drawn from {-1, 0, 1}: rows with g = 0 must come back exactly 0
    name: 'softmaxCrossEntropyGrad/zero-rows',
    op: 'softmaxCrossEntropyGrad',
    inputs: { x: f(['N', 5, 4]), label: i(['N', 5], 0, 4), g: f(['N', 5], 'ties') },
    build: (b, { x, label, g }) => [first(b.apply('softmaxCrossEntropyGrad', [x.mul(2), label, g], {}))],
    grad: false,
  }),
  opCase({
    name: 'smoothL1',
    op: 'smoothL1',
    inputs: { x: f(['N', 5]) },
    build: (_, { x: a }) => [a.mul(2).smoothL1()],
  }),
  opCase({
    name: 'reshape',
    op: 'reshape',
    inputs: { x: f(['N', 6]) },
    build: (_, { x: a }) => [a.reshape(['N', 2, 3])],
  }),
  opCase({
    name: 'expand',
    op: 'expand',
    inputs: { x: f([1, 3]), y: f(['N', 1]) },
    build: (_, { x: a, y }) => [a.expand(['N', 3]).mul(y)],
  }),
  opCase({
    name: 'slice',
    op: 'slice',
    inputs: { x: f(['N', 5]) },
    build: (_, { x: a }) => [a.slice(1, 1, 4), a.slice(1, 3)],
  }),
  opCase({
    name: 'concat',
    op: 'concat',
    inputs: { x: f(['N', 2]), y: f(['N', 3]) },
    build: (b, { x, y }) => [b.concat([x, y, x], 1)],
  }),
  opCase({
    name: 'unsqueeze',
    op: 'unsqueeze',
    inputs: { x: f(['N', 3]) },
    build: (_, { x: a }) => [a.unsqueeze(1), a.unsqueeze(2)],
  }),
  opCase({ name: 'squeeze', op: 'squeeze', inputs: { x: f(['N', 1, 3]) }, build: (_, { x: a }) => [a.squeeze(1)] }),
  opCase({
    name: 'transpose',
    op: 'transpose',
    inputs: { x: f(['N', 3, 4]) },
    build: (_, { x: a }) => [a.transpose([2, 0, 1])],
  }),
  opCase({
    name: 'gather',
    op: 'gather',
    inputs: { x: f(['N', 4, 2]), idx: i([2, 3], 0, 4) },
    build: (_, { x, idx }) => [x.gather(idx, 1)],
  }),
  opCase({
    name: 'gatherRows',
    op: 'gatherRows',
    inputs: { x: f(['N', 4, 2]), idx: i(['N', 3], 0, 4), y: f(['N', 5]), k: i(['N'], 0, 5) },
    build: (_, { x, idx, y, k }) => [x.gatherRows(idx), y.gatherRows(k)],
  }),
  opCase({
    name: 'gatherElements',
    op: 'gatherElements',
    inputs: { x: f(['N', 5]), idx: i(['N', 3], 0, 5) },
    build: (_, { x, idx }) => [x.gatherElements(idx, 1)],
  }),
  opCase({
    name: 'gatherElements/one-per-lane',
    op: 'gatherElements',
    inputs: { x: f(['N', 4, 3]), idx: i(['N', 1, 3], 0, 4), y: f(['N', 5]), k: i(['N', 1], 0, 5) },
    build: (_, { x, idx, y, k }) => [x.gatherElements(idx, 1), y.gatherElements(k, 1)],
  }),
  opCase({
    // int32 data beyond 16 bits, negative too (the WebGPU lowerings move int32 as two 16-bit halves)
    name: 'gatherElements/int32',
    op: 'gatherElements',
    inputs: { x: i(['N', 5], -200000, 200000), idx: i(['N', 3], 0, 5) },
    build: (_, { x, idx }) => [x.gatherElements(idx, 1)],
  }),
  opCase({
    name: 'gatherRows/int32',
    op: 'gatherRows',
    inputs: { x: i(['N', 4, 2], -200000, 200000), idx: i(['N', 3], 0, 4) },
    build: (_, { x, idx }) => [x.gatherRows(idx)],
  }),
  opCase({
    name: 'scatterElements/add',
    op: 'scatterElements',
    inputs: { x: f(['N', 5]), idx: i(['N', 4], 0, 5), u: f(['N', 4]) },
    build: (_, { x, idx, u }) => [x.scatterElements(idx, u, 1, 'add')],
  }),
  opCase({
    // unique indices per row: the positions of a stable sort are a permutation
    name: 'scatterElements/none',
    op: 'scatterElements',
    inputs: { x: f(['N', 5]), key: f(['N', 5]), u: f(['N', 5]) },
    build: (_, { x, key, u }) => [x.scatterElements(key.sort(1)[1], u, 1, 'none')],
  }),
  opCase({
    name: 'scatterElements/max',
    op: 'scatterElements',
    inputs: { x: i(['N', 5], -3, 3), idx: i(['N', 4], 0, 5), u: i(['N', 4], -4, 4) },
    build: (_, { x, idx, u }) => [x.scatterElements(idx, u, 1, 'max')],
  }),
  opCase({
    name: 'scatterElements/max-float-axis0',
    op: 'scatterElements',
    inputs: { x: f([4, 'N'], 'ties'), idx: i([6, 'N'], 0, 4), u: f([6, 'N'], 'ties') },
    build: (_, { x, idx, u }) => [x.scatterElements(idx, u, 0, 'max')],
    grad: false,
  }),
  opCase({ name: 'topk/largest', op: 'topk', inputs: { x: f(['N', 6]) }, build: (_, { x: a }) => a.topk(3, 1, true) }),
  opCase({
    // k from the data: the outputs' last dim is data-dependent; range(k) uses that dim in an attribute
    name: 'topk/tensor-k',
    op: 'topk',
    inputs: { x: f(['N', 6]), k: i([], 1, 7) },
    build: (b, { x: a, k }) => {
      const [v, idx] = a.topk(k, 1, true);
      return [v.mul(v).sum([1]), idx, b.range(dimAt(idx.shape, 1))];
    },
  }),
  opCase({
    name: 'topk/tensor-k-smallest-ties-axis0',
    op: 'topk',
    inputs: { x: f([7, 'N'], 'ties'), k: i([], 0, 8) },
    build: (_, { x: a, k }) => {
      const [v, idx] = a.topk(k, 0, false);
      return [v.sum([0]), idx];
    },
    grad: false,
  }),
  opCase({
    name: 'topk/smallest-ties',
    op: 'topk',
    inputs: { x: f(['N', 6], 'ties') },
    build: (_, { x: a }) => a.topk(4, 1, false),
    grad: false,
  }),
  opCase({ name: 'sort/descending', op: 'sort', inputs: { x: f(['N', 7]) }, build: (_, { x: a }) => a.sort(1, true) }),
  opCase({
    name: 'sort/ties',
    op: 'sort',
    inputs: { x: f(['N', 7], 'ties') },
    build: (_, { x: a }) => a.sort(1, true),
    grad: false,
  }),
  opCase({
    name: 'sort/int32',
    op: 'sort',
    inputs: { x: i(['N', 7], 0, 4) },
    build: (_, { x: a }) => a.sort(1, false),
  }),
  opCase({ name: 'cumsum', op: 'cumsum', inputs: { x: f(['N', 5]) }, build: (_, { x: a }) => [a.cumsum(1)] }),
  opCase({
    name: 'cumsum/exclusive-reverse',
    op: 'cumsum',
    inputs: { x: f(['N', 5]) },
    build: (_, { x: a }) => [a.cumsum(1, { exclusive: true, reverse: true })],
  }),
  opCase({ name: 'range', op: 'range', inputs: { x: f(['N']) }, build: (b, { x }) => [b.range('N'), x.mul(2)] }),
  opCase({ name: 'oneHot', op: 'oneHot', inputs: { idx: i(['N', 3], 0, 4) }, build: (_, { idx }) => [idx.oneHot(4)] }),
  // depth 1 (one truth row or one class): tf.oneHot refuses it
  opCase({
    name: 'oneHot/depth-1',
    op: 'oneHot',
    inputs: { idx: i(['N', 3], 0, 1) },
    build: (_, { idx }) => [idx.oneHot(1)],
  }),
  opCase({
    name: 'constant',
    op: 'constant',
    inputs: { x: f(['N', 2]) },
    build: (b, { x }) => [x.mul(b.constant([1.5, -2], 'float32', [2]))],
  }),
  ...CONV_POOL_CASES,
  opCase({ name: 'relu', op: 'relu', inputs: { x: f(['N', 4]) }, build: (_, { x: a }) => [a.relu()] }),
  opCase({
    name: 'relu/kinks',
    op: 'relu',
    inputs: { x: f(['N', 4], 'ties') },
    build: (_, { x: a }) => [a.relu()],
    atKinks: true,
  }),
  opCase({ name: 'clip', op: 'clip', inputs: { x: f(['N', 4]) }, build: (_, { x: a }) => [a.clip(-0.5, 1)] }),
  opCase({
    // ties are -1, 0, 1: both bounds of clip(-1, 1), and relu6's 0 and 6
    name: 'clip/kinks',
    op: 'clip',
    inputs: { x: f(['N', 4], 'ties') },
    build: (_, { x: a }) => [a.clip(-1, 1), a.mul(3).add(3).clip(0, 6)],
    atKinks: true,
  }),
  opCase({
    name: 'leakyRelu',
    op: 'leakyRelu',
    inputs: { x: f(['N', 4]) },
    build: (_, { x: a }) => [a.leakyRelu(0.1)],
  }),
  opCase({
    name: 'leakyRelu/kinks',
    op: 'leakyRelu',
    inputs: { x: f(['N', 4], 'ties') },
    build: (_, { x: a }) => [a.leakyRelu(0.01)],
    atKinks: true,
  }),
  opCase({ name: 'sigmoid', op: 'sigmoid', inputs: { x: f(['N', 4]) }, build: (_, { x: a }) => [a.mul(3).sigmoid()] }),
  opCase({ name: 'tanh', op: 'tanh', inputs: { x: f(['N', 4]) }, build: (_, { x: a }) => [a.mul(2).tanh()] }),
  opCase({
    // PyTorch's hardsigmoid (1/6, 1/2) and ONNX's default (0.2, 0.5)
    name: 'hardSigmoid',
    op: 'hardSigmoid',
    inputs: { x: f(['N', 4]) },
    build: (_, { x: a }) => [a.mul(3).hardSigmoid(1 / 6, 0.5), a.mul(3).hardSigmoid(0.2, 0.5)],
  }),
  opCase({
    name: 'hardSigmoid/kinks',
    op: 'hardSigmoid',
    inputs: { x: f(['N', 4], 'ties') },
    build: (_, { x: a }) => [a.mul(3).hardSigmoid(1 / 6, 0.5)],
    atKinks: true,
  }),
  opCase({
    name: 'hardSwish',
    op: 'hardSwish',
    inputs: { x: f(['N', 4]) },
    build: (_, { x: a }) => [a.mul(3).hardSwish()],
  }),
  opCase({
    name: 'hardSwish/kinks',
    op: 'hardSwish',
    inputs: { x: f(['N', 4], 'ties') },
    build: (_, { x: a }) => [a.mul(3).hardSwish()],
    atKinks: true,
  }),
  opCase({
    name: 'matMul',
    op: 'matMul',
    inputs: { x: f(['N', 4]), y: f([4, 3]) },
    build: (_, { x: a, y: b }) => [a.matMul(b)],
  }),
  opCase({
    // batch dims broadcast both ways: [N, 1] against [4], and a rank-2 operand against a rank-3 one
    name: 'matMul/broadcast',
    op: 'matMul',
    inputs: { x: f(['N', 1, 2, 3]), y: f([4, 3, 5]), z: f([5, 2]) },
    build: (_, { x: a, y: b, z: c }) => [a.matMul(b), b.matMul(c)],
  }),
  opCase({
    name: 'stopGradient',
    op: 'stopGradient',
    inputs: { x: f(['N', 3]) },
    build: (_, { x }) => [x.stopGradient().mul(x)],
  }),
];
