import type { Tensor } from '../builder.js';
import { fail } from '../errors.js';

/** A BatchNorm's parameters and state, each [C] over axis 1 of the input. */
export interface BatchNormInputs {
  /** γ */
  readonly scale: Tensor;
  /** β */
  readonly bias: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly epsilon: number;
  /** PyTorch's momentum m: new = (1 − m)·old + m·batch (an ONNX node's `momentum` attribute holds 1 − m) */
  readonly momentum: number;
}

export interface BatchNormTrainResult {
  readonly y: Tensor;
  /** (1 − m)·running_mean + m·batch mean */
  readonly runningMean: Tensor;
  /** (1 − m)·running_var + m·unbiased batch variance */
  readonly runningVar: Tensor;
}

/** The axes a BatchNorm reduces over (all but the channel axis 1), their element count and [1, C, 1, ...]. */
function layout(x: Tensor): { axes: number[]; count: number; channelShape: number[] } {
  const [, c, ...rest] = x.shape;
  if (x.rank < 2 || typeof c !== 'number') {
    fail('INVALID_GRAPH', `batchNorm: input [${x.shape}] needs rank >= 2 and a fixed channel count`);
  }
  const axes = [0, ...rest.map((_, i) => i + 2)];
  let count = 1;
  for (const a of axes) {
    const d = x.shape[a];
    if (typeof d !== 'number') fail('INVALID_GRAPH', `batchNorm: input [${x.shape}] needs fixed reduced dims`);
    count *= d;
  }
  return { axes, count, channelShape: [1, c, ...rest.map(() => 1)] };
}

/**
 * BatchNorm in training mode, as PyTorch's train-mode forward: normalises with the batch mean and the
 * biased batch variance over every axis but 1, and returns the next running statistics (PyTorch keeps
 * the unbiased variance, M/(M − 1) times the biased one, M the number of elements per channel). Written
 * with elementwise ops and sums, so autodiff differentiates it without a fused op.
 */
export function batchNormTrain(x: Tensor, p: BatchNormInputs): BatchNormTrainResult {
  const { axes, count, channelShape } = layout(x);
  if (count < 2) fail('INVALID_GRAPH', `batchNorm: training needs more than one value per channel, got [${x.shape}]`);
  const mean = x.sum(axes, true).div(count);
  const centred = x.sub(mean);
  const variance = centred.mul(centred).sum(axes, true).div(count);
  const rstd = x.builder.scalar(1).div(variance.add(p.epsilon).sqrt());
  const y = centred.mul(rstd).mul(p.scale.reshape(channelShape)).add(p.bias.reshape(channelShape));
  const [c] = p.runningMean.shape;
  const m = p.momentum;
  const keep = 1 - m;
  const batchMean = mean.reshape([c ?? 1]);
  const batchVar = variance.reshape([c ?? 1]);
  return {
    y,
    runningMean: p.runningMean.mul(keep).add(batchMean.mul(m)),
    runningVar: p.runningVar.mul(keep).add(batchVar.mul((m * count) / (count - 1))),
  };
}

/** BatchNorm in inference mode: normalises with the running statistics. */
export function batchNormEval(x: Tensor, p: Omit<BatchNormInputs, 'momentum'>): Tensor {
  const { channelShape } = layout(x);
  const scale = p.scale.div(p.runningVar.add(p.epsilon).sqrt());
  const shift = p.bias.sub(p.runningMean.mul(scale));
  return x.mul(scale.reshape(channelShape)).add(shift.reshape(channelShape));
}
