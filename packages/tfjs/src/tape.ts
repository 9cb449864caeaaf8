import { at } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';

type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

/**
 * An alias of `x` that tfjs's autodiff does not connect to `x`: made inside a `tf.customGrad` forward
 * (where the tape is off) by a custom node without inputs. tfjs has no stopGradient op; this is it.
 */
export function detach(x: tf.Tensor): tf.Tensor {
  const f = () => ({ value: tf.clone(x), gradFunc: () => [] });
  return tf.customGrad(f as unknown as CustomGradientFunc)();
}

/** The gradient rule of one node: which inputs get a gradient, from which output, and how. */
export interface GradientRule {
  /** positions of the float inputs, the ones tfjs differentiates */
  readonly floatInputs: readonly number[];
  /** the one float output, whose gradient flows back */
  readonly primary: number;
  /** the gradients of the float inputs, from all inputs, all outputs and the primary output's gradient */
  backward(dy: tf.Tensor, inputs: readonly tf.Tensor[], outputs: readonly tf.Tensor[]): tf.Tensor[];
}

/**
 * Runs a node as one `tf.customGrad` node whose gradient is `rule.backward`: tfjs's autodiff (tf.grads,
 * optimizer.minimize) then differentiates through it with the IR's own VJP, and needs no registered
 * tfjs gradient for it. Outputs other than the primary are returned as constants.
 */
export function withGradientRule(
  run: (inputs: readonly tf.Tensor[]) => tf.Tensor[],
  inputs: readonly tf.Tensor[],
  rule: GradientRule,
): tf.Tensor[] {
  const n = inputs.length;
  let outs: tf.Tensor[] = [];
  const f = (...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const xs = [...inputs];
    for (const [j, p] of rule.floatInputs.entries()) xs[p] = args[j] as tf.Tensor;
    outs = run(xs);
    save([...xs, ...outs]); // only when the tape records: what backward needs outlives this scope
    // the forward runs in its own tidy, which frees all but its result: keep the other outputs
    for (const [k, t] of outs.entries()) if (k !== rule.primary) tf.keep(t);
    return {
      value: at(outs, rule.primary),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => rule.backward(dy, saved.slice(0, n), saved.slice(n)),
    };
  };
  const y = tf.customGrad(f as unknown as CustomGradientFunc)(...rule.floatInputs.map((p) => at(inputs, p)));
  return outs.map((t, k) => {
    if (k === rule.primary) return y;
    const owned = tf.clone(t); // back under the caller's tidy
    t.dispose();
    return owned;
  });
}
