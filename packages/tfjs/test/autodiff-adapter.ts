import type { CompiledLoss, Feeds, HostTensor, LossProgram, Outputs } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import { compile } from '../src/index.js';

async function host(t: tf.Tensor): Promise<HostTensor> {
  return { dtype: t.dtype as HostTensor['dtype'], shape: t.shape, data: (await t.data()) as Float32Array };
}

/**
 * Way (b) as a CompiledLoss, for the conformance suite's VJP graphs (outputs y0.., `loss` = sum(y * w),
 * and `grad_<input>`): forward outputs come from `apply`, each `grad_<input>` from tf.grads of `loss`
 * through `apply` — so tfjs's own autodiff, not the graph's backward part, computes the gradients.
 */
export async function compileAutodiff(program: LossProgram, backend: string): Promise<CompiledLoss> {
  const compiled = await compile(program, { backend });
  const inputNames = new Set(program.graph.inputs.map((id) => program.graph.values[id]!.name!));
  const gradOf = (name: string) =>
    name.startsWith('grad_') && inputNames.has(name.slice(5)) ? name.slice(5) : undefined;
  return {
    ...compiled,
    async run(feeds: Feeds) {
      const names = compiled.outputNames;
      const wrt = names.map(gradOf).filter((n): n is string => n !== undefined);
      const forward = names.filter((n) => gradOf(n) === undefined);
      const tensors = Object.fromEntries(
        Object.entries(feeds).map(([n, f]) => [n, tf.tensor(f.data, [...f.shape], f.dtype)]),
      );
      try {
        const out: Outputs = {};
        const ys = compiled.apply(tensors, forward);
        for (const n of forward) out[n] = await host(ys[n]!);
        tf.dispose(Object.values(ys));
        if (wrt.length > 0) {
          // tfjs's gradients(), as tf.grads runs it, but allowing inputs the loss does not depend on (-> 0)
          const xs = wrt.map((n) => tensors[n]!);
          const { value, grads } = tf
            .engine()
            .gradients(() => compiled.apply(tensors, ['loss']).loss!, xs, undefined, true);
          for (const [i, n] of wrt.entries()) {
            const g = grads[i] ?? tf.zerosLike(xs[i]!);
            out[`grad_${n}`] = await host(g);
            g.dispose();
          }
          value.dispose();
        }
        return out;
      } finally {
        tf.dispose(Object.values(tensors));
      }
    },
  };
}
