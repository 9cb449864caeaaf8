import { feed } from '../backend/feed.js';
import type { Tensor } from '../builder.js';
import { fail } from '../errors.js';
import type { ModelGraph, ModelInitializer } from '../training/model.js';

/** The tiny detector's sizes (tools/reference/optim_reference.py writes the same model in PyTorch). */
export const TINY_DETECTOR = { batch: 4, channels: 3, height: 4, width: 4, boxes: 16, classes: 3 } as const;

const FEATURES = TINY_DETECTOR.channels * TINY_DETECTOR.height * TINY_DETECTOR.width;
const BN_EPS = 1e-5;
const BN_MOMENTUM = 0.1;

const PARAMETER_SHAPES: Readonly<Record<string, readonly number[]>> = {
  'bn.weight': [FEATURES],
  'bn.bias': [FEATURES],
  'loc.weight': [TINY_DETECTOR.boxes * 4, FEATURES],
  'loc.bias': [TINY_DETECTOR.boxes * 4],
  'conf.weight': [TINY_DETECTOR.boxes * TINY_DETECTOR.classes, FEATURES],
  'conf.bias': [TINY_DETECTOR.boxes * TINY_DETECTOR.classes],
};
const STATE_SHAPES: Readonly<Record<string, readonly number[]>> = {
  'bn.running_mean': [FEATURES],
  'bn.running_var': [FEATURES],
};

/**
 * PyTorch's Linear, x [N, in] · weightᵀ + bias, as a broadcast product summed over `in` (ops every
 * backend lowers, so the tests of training steps need no matMul lowering).
 */
function linear(x: Tensor, weight: Tensor, bias: Tensor): Tensor {
  return x.unsqueeze(1).mul(weight).sum([2]).add(bias);
}

/**
 * A hand-written detector of existing IR ops, for testing training steps before any importer: images
 * [4, 3, 4, 4] flattened to 48 features, PyTorch's BatchNorm1d (train mode: batch mean and biased
 * variance, running stats updated with the unbiased variance and momentum 0.1; eval mode: running
 * stats), softsign x / (1 + |x|), then two Linear heads reshaped to `loc_data` [4, 16, 4] and `conf_data` [4, 16, 3].
 * `init` holds the initial values by PyTorch state_dict name.
 */
export function tinyDetector(init: Readonly<Record<string, Float32Array>>): ModelGraph {
  const initializers = (shapes: Readonly<Record<string, readonly number[]>>): ModelInitializer[] =>
    Object.entries(shapes).map(([name, shape]) => {
      const data = init[name];
      if (data === undefined || data.length !== shape.reduce((a, b) => a * b, 1))
        fail('INVALID_MODEL', `tiny detector: initial value of '${name}' missing or not of shape [${shape}]`);
      return { name, shape, data };
    });
  const { batch: B, channels, height, width, boxes: P, classes: C } = TINY_DETECTOR;
  return {
    inputs: [{ name: 'images', shape: [B, channels, height, width] }],
    outputs: [
      { name: 'loc_data', shape: [B, P, 4] },
      { name: 'conf_data', shape: [B, P, C] },
    ],
    parameters: initializers(PARAMETER_SHAPES),
    state: initializers(STATE_SHAPES),
    emit(_b, { inputs, parameters: p, state: s }, mode) {
      const x = feed(inputs, 'images').reshape([B, FEATURES]);
      const nextState: Record<string, Tensor> = {};
      let normalised: Tensor;
      if (mode === 'train') {
        const mean = x.sum([0]).div(B);
        const centred = x.sub(mean);
        const variance = centred.mul(centred).sum([0]).div(B);
        normalised = centred.div(variance.add(BN_EPS).sqrt());
        nextState['bn.running_mean'] = feed(s, 'bn.running_mean')
          .mul(1 - BN_MOMENTUM)
          .add(mean.mul(BN_MOMENTUM));
        nextState['bn.running_var'] = feed(s, 'bn.running_var')
          .mul(1 - BN_MOMENTUM)
          .add(variance.mul((B / (B - 1)) * BN_MOMENTUM));
      } else {
        normalised = x.sub(feed(s, 'bn.running_mean')).div(feed(s, 'bn.running_var').add(BN_EPS).sqrt());
      }
      const bn = normalised.mul(feed(p, 'bn.weight')).add(feed(p, 'bn.bias'));
      const h = bn.div(bn.abs().add(1));
      return {
        outputs: {
          loc_data: linear(h, feed(p, 'loc.weight'), feed(p, 'loc.bias')).reshape([B, P, 4]),
          conf_data: linear(h, feed(p, 'conf.weight'), feed(p, 'conf.bias')).reshape([B, P, C]),
        },
        nextState,
      };
    },
  };
}
