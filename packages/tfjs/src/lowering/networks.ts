import type { Unsupported } from './types.js';

type NetworkOp =
  | 'conv2d'
  | 'conv2dBackpropInput'
  | 'conv2dBackpropFilter'
  | 'convTranspose2d'
  | 'maxPool2d'
  | 'maxPool2dGrad'
  | 'avgPool2d'
  | 'avgPool2dGrad'
  | 'resizeNearest'
  | 'matMul'
  | 'relu'
  | 'clip'
  | 'leakyRelu'
  | 'sigmoid'
  | 'tanh'
  | 'hardSigmoid'
  | 'hardSwish';

const notYet: Unsupported = { unsupported: 'not lowered yet' };

/** The 2-D network ops (convolutions, pools, activations, matMul). */
export const networks: { readonly [P in NetworkOp]: Unsupported } = {
  conv2d: notYet,
  conv2dBackpropInput: notYet,
  conv2dBackpropFilter: notYet,
  convTranspose2d: notYet,
  maxPool2d: notYet,
  maxPool2dGrad: notYet,
  avgPool2d: notYet,
  avgPool2dGrad: notYet,
  resizeNearest: notYet,
  matMul: notYet,
  relu: notYet,
  clip: notYet,
  leakyRelu: notYet,
  sigmoid: notYet,
  tanh: notYet,
  hardSigmoid: notYet,
  hardSwish: notYet,
};
