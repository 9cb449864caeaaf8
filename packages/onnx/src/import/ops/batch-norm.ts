import { batchNormEval, batchNormTrain, type Tensor } from '@lossgraph/core';
import type { ConverterTable, NodeContext } from '../context.js';

/** The state tensor (a running statistic fed by the caller) behind BatchNormalization input i. */
function stateInput(ctx: NodeContext, i: number): { name: string; tensor: Tensor } {
  const name = ctx.node.inputs[i] ?? '';
  const tensor = ctx.emit.state[name];
  if (tensor === undefined) {
    return ctx.fail(`input ${i} ('${name}') must be a running-statistic initializer to train this BatchNorm`);
  }
  return { name, tensor };
}

/**
 * BatchNormalization (opset 15 form; PyTorch's TRAINING export sets training_mode=1 and writes
 * momentum = 1 − m). The importer's mode decides: train uses batch statistics and reports the next running
 * statistics; eval uses the running statistics.
 */
function batchNorm(ctx: NodeContext): Tensor[] {
  const x = ctx.tensor(0);
  const epsilon = ctx.attrs.float('epsilon', 1e-5);
  const params = { scale: ctx.tensor(1), bias: ctx.tensor(2), epsilon };
  if (ctx.emit.mode === 'eval') {
    return [batchNormEval(x, { ...params, runningMean: ctx.tensor(3), runningVar: ctx.tensor(4) })];
  }
  const mean = stateInput(ctx, 3);
  const variance = stateInput(ctx, 4);
  // round away float32 noise: an attribute 0.9 (float32 0.8999999762) means PyTorch's m = 0.1
  const momentum = Number((1 - ctx.attrs.float('momentum', 0.9)).toPrecision(12));
  const r = batchNormTrain(x, { ...params, runningMean: mean.tensor, runningVar: variance.tensor, momentum });
  for (const [name, next] of [
    [mean.name, r.runningMean],
    [variance.name, r.runningVar],
  ] as const) {
    if (ctx.emit.nextState[name] !== undefined) ctx.fail(`running statistic '${name}' is updated by two BatchNorms`);
    ctx.emit.nextState[name] = next;
  }
  return [r.y];
}

export const BATCH_NORM_OPS: ConverterTable = {
  BatchNormalization: { convert: batchNorm },
};
