import type { OpName } from '../ir/ops.js';
import { abs } from './abs.js';
import { add } from './add.js';
import { and } from './and.js';
import { argMax } from './argMax.js';
import { atan } from './atan.js';
import { avgPool2d } from './avgPool2d.js';
import { avgPool2dGrad } from './avgPool2dGrad.js';
import { cast } from './cast.js';
import { clip } from './clip.js';
import { concat } from './concat.js';
import { constant } from './constant.js';
import { conv2d } from './conv2d.js';
import { conv2dBackpropFilter } from './conv2dBackpropFilter.js';
import { conv2dBackpropInput } from './conv2dBackpropInput.js';
import { convTranspose2d } from './convTranspose2d.js';
import { cumsum } from './cumsum.js';
import type { ArityOfDef, OpDef } from './define.js';
import { div } from './div.js';
import { equal } from './equal.js';
import { exp } from './exp.js';
import { expand } from './expand.js';
import { gather } from './gather.js';
import { gatherElements } from './gatherElements.js';
import { gatherRows } from './gatherRows.js';
import { greater } from './greater.js';
import { greaterEqual } from './greaterEqual.js';
import { hardSigmoid } from './hardSigmoid.js';
import { hardSwish } from './hardSwish.js';
import { leakyRelu } from './leakyRelu.js';
import { less } from './less.js';
import { lessEqual } from './lessEqual.js';
import { log } from './log.js';
import { logSoftmax } from './logSoftmax.js';
import { matMul } from './matMul.js';
import { maximum } from './maximum.js';
import { maxPool2d } from './maxPool2d.js';
import { maxPool2dGrad } from './maxPool2dGrad.js';
import { minimum } from './minimum.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { not } from './not.js';
import { oneHot } from './oneHot.js';
import { or } from './or.js';
import { range } from './range.js';
import { reduceMax } from './reduceMax.js';
import { reduceSum } from './reduceSum.js';
import { relu } from './relu.js';
import { reshape } from './reshape.js';
import { resizeNearest } from './resizeNearest.js';
import { scatterElements } from './scatterElements.js';
import { sigmoid } from './sigmoid.js';
import { sign } from './sign.js';
import { slice } from './slice.js';
import { smoothL1 } from './smoothL1.js';
import { softmaxCrossEntropy } from './softmaxCrossEntropy.js';
import { softmaxCrossEntropyGrad } from './softmaxCrossEntropyGrad.js';
import { sort } from './sort.js';
import { sqrt } from './sqrt.js';
import { squeeze } from './squeeze.js';
import { stopGradient } from './stopGradient.js';
import { sub } from './sub.js';
import { tanh } from './tanh.js';
import { topk } from './topk.js';
import { transpose } from './transpose.js';
import { unsqueeze } from './unsqueeze.js';
import { where } from './where.js';

const DEFS = {
  add,
  sub,
  mul,
  div,
  maximum,
  minimum,
  equal,
  less,
  lessEqual,
  greater,
  greaterEqual,
  and,
  or,
  not,
  where,
  cast,
  exp,
  log,
  abs,
  neg,
  sqrt,
  sign,
  atan,
  reduceSum,
  reduceMax,
  argMax,
  logSoftmax,
  softmaxCrossEntropy,
  softmaxCrossEntropyGrad,
  smoothL1,
  reshape,
  expand,
  slice,
  concat,
  unsqueeze,
  squeeze,
  transpose,
  gather,
  gatherRows,
  gatherElements,
  scatterElements,
  topk,
  sort,
  cumsum,
  range,
  oneHot,
  constant,
  stopGradient,
  conv2d,
  conv2dBackpropInput,
  conv2dBackpropFilter,
  convTranspose2d,
  maxPool2d,
  maxPool2dGrad,
  avgPool2d,
  avgPool2dGrad,
  resizeNearest,
  matMul,
  relu,
  clip,
  leakyRelu,
  sigmoid,
  tanh,
  hardSigmoid,
  hardSwish,
} satisfies { readonly [K in OpName]: OpDef<K> };

/** Every op's definition. Exhaustive over OpName: an op without an entry here does not compile. */
export const OPS: { readonly [K in OpName]: OpDef<K> } = DEFS;

/**
 * An op's arity as a type (from its `defineOp<K, A>`), for backends that type a node's inputs by it
 * (`Inputs<T, ArityOf<K>>`); the wide `Arity` for an op defined without one.
 */
export type ArityOf<K extends OpName> = ArityOfDef<(typeof DEFS)[K]>;

export const OP_NAMES = Object.keys(OPS) as OpName[];
