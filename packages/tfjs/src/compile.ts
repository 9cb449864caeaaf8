import {
  at,
  type CompiledLoss,
  type CompileOptions,
  defineBackend,
  type Feeds,
  foldConstants,
  type Graph,
  type LossProgram,
  type Outputs,
  optionRules,
  valueInfo,
} from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import { activateBackend, onBackend } from './backend.js';
import { fail } from './errors.js';
import { toHost, toHostSync, toTensor } from './host.js';
import { LoweredGraph } from './lowered-graph.js';
import { traitsOf } from './lowering/traits.js';
import { tfjsResident } from './resident.js';

export interface TfjsCompileOptions extends CompileOptions {
  /**
   * The tfjs backend to run on: 'cpu', 'wasm', 'webgl', 'webgpu', ... Its package must be imported
   * (and, for wasm in Node, `setWasmPaths` called). Default: tfjs's active backend.
   */
  readonly backend?: string;
}

/** Graph inputs as tfjs tensors, by input name (for `apply`). `I` narrows the names (default: any string). */
export type TensorInputs<I extends string = string> = Readonly<Record<I, tf.Tensor>>;

/**
 * What a tfjs compiled loss has beyond the CompiledLoss contract, typed by the program's input names `I`
 * and output names `O` like `run` (a misspelt input or output is a type error).
 */
export interface TfjsExtras<I extends string = string, O extends string = string> {
  /** the tfjs backend it runs on, e.g. 'wasm' (then `backend` is 'tfjs-wasm') */
  readonly tfBackend: string;
  /**
   * Way (b): runs the graph on tfjs tensors and returns outputs as tfjs tensors that tfjs's own autodiff
   * differentiates (`tf.grads`, `tf.variableGrads`, `optimizer.minimize`). Each node carries the IR's
   * VJP (as a tf.customGrad node), so stopGradient, integer and boolean paths (matching, mining) carry
   * no gradient, and no tfjs gradient registration is needed for the loss itself. Default outputs: the
   * scalar float outputs (the losses), as tf.Scalar; ask for others by name. Synchronous; runs on
   * tfjs's active backend, which must be this loss's. The caller owns the returned tensors. Checks its
   * inputs like `run` (values read with `dataSync`, unless `validate: false`). Typed as optional by
   * default, since which outputs are scalars is known only at run time (the losses are; gradients and
   * per-box diagnostics are not): with a forward-only program (`gradients: false`) the loss terms are there.
   */
  apply(inputs: TensorInputs<I>): Partial<Record<O, tf.Scalar>>;
  apply<K extends O>(inputs: TensorInputs<I>, outputs: readonly K[]): Record<K, tf.Tensor>;
}

/** A loss graph compiled to tfjs ops. */
export type TfjsCompiledLoss<I extends string = string, O extends string = string> = CompiledLoss<I, O> &
  TfjsExtras<I, O>;

/** tfjs's `compile`: typed by the program's names, `apply` included. */
export type TfjsCompileFunction = <I extends string = string, O extends string = string>(
  graphOrProgram: Graph | LossProgram<I, O>,
  options?: TfjsCompileOptions,
) => Promise<TfjsCompiledLoss<I, O>>;

/** The graph's scalar float32 outputs: what `apply` returns by default. */
function scalarOutputs(graph: Graph): string[] {
  return graph.outputs
    .filter((o) => valueInfo(graph, o.value).dtype === 'float32' && valueInfo(graph, o.value).shape.length === 0)
    .map((o) => o.name);
}

/**
 * Compiles a loss graph (or LossProgram) to tfjs ops on one tfjs backend, and makes that backend tfjs's
 * active one. Way (a): `run(feeds)` takes and returns host arrays, every requested output included,
 * gradients computed by the graph's own backward part; each run computes on the loss's own backend even
 * when other losses use others meanwhile. Way (b): `apply(tensors)`, see TfjsExtras.
 */
export const compile: TfjsCompileFunction = defineBackend<
  TfjsCompileOptions,
  { backend: string | undefined },
  TfjsExtras
>({
  name: 'tfjs',
  options: {
    backend: optionRules.passThrough<string>(
      (v) => typeof v === 'string' && v.length > 0,
      "a tfjs backend name, e.g. 'cpu', 'wasm', 'webgl', 'webgpu'",
    ),
  },
  async compileGraph(graph, options, context) {
    const name = await activateBackend(options.backend);
    const traits = traitsOf(name);
    // constants are made on the loss's backend
    const lowered = await onBackend(name, () => new LoweredGraph(foldConstants(graph), true, traits));
    const defaultApplyOutputs = scalarOutputs(lowered.graph);

    async function run(
      feeds: Feeds,
      outputs: readonly string[],
      env: Readonly<Record<string, number>>,
    ): Promise<Outputs> {
      const names = lowered.plan(outputs).outputs.map((o) => o.name);
      // the switch to this backend and the whole graph happen in one synchronous stretch
      const results = await onBackend(name, () =>
        tf.tidy(() =>
          lowered.run(Object.fromEntries(lowered.inputNames.map((n) => [n, toTensor(feeds[n]!)])), env, outputs, false),
        ),
      );
      try {
        const feedBuffers = new Set(Object.values(feeds).map((f) => f.data.buffer));
        const host = await Promise.all(results.map((t) => toHost(t, feedBuffers)));
        return Object.fromEntries(names.map((n, i) => [n, at(host, i)]));
      } finally {
        for (const t of results) t.dispose();
      }
    }

    function apply(inputs: TensorInputs, outputs?: readonly string[]): Record<string, tf.Tensor> {
      context.assertLive();
      const wanted = context.outputsFor(outputs ?? defaultApplyOutputs);
      if (wanted.length === 0)
        fail('INVALID_GRAPH', 'apply(): the graph has no scalar float32 output; name the outputs to return');
      if (tf.getBackend() !== name) {
        fail(
          'BACKEND_UNAVAILABLE',
          `compiled for tfjs backend '${name}', but '${tf.getBackend()}' is active: call tf.setBackend('${name}') first`,
          { backend: name },
        );
      }
      for (const n of lowered.inputNames) {
        if (inputs?.[n] !== undefined && !(inputs[n] instanceof tf.Tensor)) {
          fail('DTYPE_MISMATCH', `apply(): input '${n}' is not a tf.Tensor (run() takes host arrays)`, { tensor: n });
        }
      }
      const env = context.checkTensors(inputs, () =>
        Object.fromEntries(lowered.inputNames.map((n) => [n, toHostSync(inputs[n]!)])),
      );
      const results = tf.tidy(() => lowered.run(inputs, env, wanted, true));
      return Object.fromEntries(lowered.plan(wanted).outputs.map((o, i) => [o.name, at(results, i)]));
    }

    return {
      device: name,
      run,
      dispose: () => lowered.dispose(),
      resident: tfjsResident(name, lowered),
      extra: { tfBackend: name, apply: apply as TfjsExtras['apply'] },
    };
  },
});
