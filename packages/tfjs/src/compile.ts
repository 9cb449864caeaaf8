import {
  asProgram,
  compileWithFastPath,
  bindSymbols,
  checkFeeds,
  DisposeGuard,
  foldConstants,
  verify,
  type CompiledLoss,
  type CompileOptions,
  type Feeds,
  type Graph,
  type LossProgram,
  type Outputs,
} from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import { activateBackend } from './backend.js';
import { fail } from './errors.js';
import { toHost, toHostSync, toTensor } from './host.js';
import { LoweredGraph } from './lowered-graph.js';

export interface TfjsCompileOptions extends CompileOptions {
  /**
   * The tfjs backend to run on: 'cpu', 'wasm', 'webgl', 'webgpu', ... Its package must be imported
   * (and, for wasm in Node, `setWasmPaths` called). Default: tfjs's active backend.
   */
  readonly backend?: string;
}

/** Graph inputs as tfjs tensors, by input name (for `apply`). */
export type TensorInputs = Readonly<Record<string, tf.Tensor>>;

/** A loss graph compiled to tfjs ops. */
export interface TfjsCompiledLoss extends CompiledLoss {
  /** the tfjs backend it runs on, e.g. 'wasm' (then `backend` is 'tfjs-wasm') */
  readonly tfBackend: string;
  /**
   * Way (b): runs the graph on tfjs tensors and returns outputs as tfjs tensors that tfjs's own autodiff
   * differentiates (`tf.grads`, `tf.variableGrads`, `optimizer.minimize`). Each node carries the IR's
   * VJP (as a tf.customGrad node), so stopGradient, integer and boolean paths (matching, mining) carry
   * no gradient, and no tfjs gradient registration is needed for the loss itself. Default outputs: the
   * scalar float outputs (the losses), as tf.Scalar; ask for others by name. Synchronous; runs on
   * tfjs's active backend, which must be this loss's. The caller owns the returned tensors.
   */
  apply(inputs: TensorInputs): Record<string, tf.Scalar>;
  apply(inputs: TensorInputs, outputs: readonly string[]): Record<string, tf.Tensor>;
}

/** The graph's scalar float32 outputs: what `apply` returns by default. */
function scalarOutputs(graph: Graph): string[] {
  return graph.outputs.filter((o) => graph.values[o.value]!.dtype === 'float32' && graph.values[o.value]!.shape.length === 0).map((o) => o.name);
}

/**
 * Compiles a loss graph (or LossProgram) to tfjs ops on one tfjs backend, and makes that backend tfjs's
 * active one. Way (a): `run(feeds)` takes and returns host arrays, every requested output included,
 * gradients computed by the graph's own backward part. Way (b): `apply(tensors)`, see TfjsCompiledLoss.
 */
export async function compile(graphOrProgram: Graph | LossProgram, options: TfjsCompileOptions = {}): Promise<TfjsCompiledLoss> {
  const program = asProgram(graphOrProgram);
  if (program.fastPath !== undefined) {
    // run() tries the program's fast path (with its exact fallback); apply() keeps the exact graph
    const exact = await compile({ graph: program.graph, validateInputs: program.validateInputs }, options);
    const staged = await compileWithFastPath(program, (p) => (p.fastPath === undefined && p.graph === program.graph ? exact : compile(p, options)));
    return { ...exact, run: staged.run, dispose: staged.dispose };
  }
  verify(program.graph);
  const name = await activateBackend(options.backend);
  const lowered = new LoweredGraph(foldConstants(program.graph), true);
  const graph = lowered.graph;
  const validate = options.validate ?? true;
  const guard = new DisposeGuard(`tfjs-${name} compiled loss`);
  const allOutputs = graph.outputs.map((o) => o.name);
  const defaultApplyOutputs = scalarOutputs(graph);

  async function run(feeds: Feeds, outputs: readonly string[] = allOutputs): Promise<Outputs> {
    guard.check();
    const env = checkFeeds(program, feeds, options);
    const names = lowered.plan(outputs).outputs.map((o) => o.name);
    if (tf.getBackend() !== name) await activateBackend(name);
    const results = tf.tidy(() => {
      const inputs = Object.fromEntries(lowered.inputNames.map((n) => [n, toTensor(feeds[n]!)]));
      return lowered.run(inputs, env, outputs, false);
    });
    try {
      const feedBuffers = new Set(Object.values(feeds).map((f) => f.data.buffer));
      const host = await Promise.all(results.map((t) => toHost(t, feedBuffers)));
      return Object.fromEntries(names.map((n, i) => [n, host[i]!]));
    } finally {
      for (const t of results) t.dispose();
    }
  }

  function apply(inputs: TensorInputs, outputs: readonly string[] = defaultApplyOutputs): Record<string, tf.Tensor> {
    guard.check();
    if (outputs.length === 0) fail('INVALID_GRAPH', 'apply(): the graph has no scalar float32 output; name the outputs to return');
    if (tf.getBackend() !== name) {
      fail('BACKEND_UNAVAILABLE', `compiled for tfjs backend '${name}', but '${tf.getBackend()}' is active: call tf.setBackend('${name}') first`, { backend: name });
    }
    for (const n of lowered.inputNames) {
      if (inputs[n] !== undefined && !(inputs[n] instanceof tf.Tensor)) {
        fail('DTYPE_MISMATCH', `apply(): input '${n}' is not a tf.Tensor (run() takes host arrays)`, { tensor: n });
      }
    }
    const env = bindSymbols(graph, inputs);
    if (validate && program.validateInputs) program.validateInputs(Object.fromEntries(lowered.inputNames.map((n) => [n, toHostSync(inputs[n]!)])));
    const results = tf.tidy(() => lowered.run(inputs, env, outputs, true));
    return Object.fromEntries(lowered.plan(outputs).outputs.map((o, i) => [o.name, results[i]!]));
  }

  return {
    backend: `tfjs-${name}`,
    device: name,
    tfBackend: name,
    outputNames: allOutputs,
    run,
    apply: apply as TfjsCompiledLoss['apply'],
    async dispose() {
      if (guard.dispose()) lowered.dispose();
    },
  };
}
