import { asProgram, checkFeeds, compileWithFastPath, DisposeGuard, hashGraph, LossGraphError, type CompiledLoss, type Graph, type LossProgram, type Outputs } from '@lossgraph/core';
import { toOnnxModel } from '@lossgraph/onnx';
import { resolveOptions, type OnnxRuntimeNodeOptions } from './options.js';
import { loadOrt } from './runtime.js';
import { acquireSession } from './session-cache.js';
import { fromOrtTensor, toOrtTensor } from './tensors.js';

/**
 * Compiles a graph (or a loss program) to an onnxruntime-node session: the graph, with its gradient
 * part, becomes one ONNX model (`@lossgraph/onnx`). Sessions are shared per graph hash and options;
 * runs may overlap. `device` names the execution provider that actually runs it ('cpu' or 'cuda').
 */
export async function compile(graphOrProgram: Graph | LossProgram, options: OnnxRuntimeNodeOptions = {}): Promise<CompiledLoss> {
  const program = asProgram(graphOrProgram);
  if (program.fastPath !== undefined) return compileWithFastPath(program, (p) => compile(p, options));
  const resolved = resolveOptions(options);
  const ort = await loadOrt();
  const { graph } = program;
  const key = [hashGraph(graph), resolved.executionProviders.join(','), resolved.intraOpNumThreads ?? '', resolved.graphOptimizationLevel].join('|');
  const lease = await acquireSession(key, () => toOnnxModel(graph), resolved);
  const guard = new DisposeGuard(`onnxruntime-node compiled loss (${lease.device})`);
  const outputNames = graph.outputs.map((o) => o.name);
  const inputs = graph.inputs.map((id) => graph.values[id]!);
  const outputDtype = new Map(graph.outputs.map((o) => [o.name, graph.values[o.value]!.dtype]));

  return {
    backend: `onnxruntime-node-${lease.device}`,
    device: lease.device,
    outputNames,
    async run(feeds, outputs) {
      guard.check();
      checkFeeds(program, feeds, { validate: resolved.validate });
      const wanted = outputs ?? outputNames;
      for (const name of wanted) {
        if (!outputDtype.has(name)) throw new LossGraphError('INVALID_GRAPH', `graph has no output '${name}' (outputs: ${outputNames.join(', ')})`);
      }
      const ortFeeds = Object.fromEntries(inputs.map((v) => [v.name!, toOrtTensor(ort, v, feeds[v.name!]!)]));
      let results;
      try {
        results = await lease.run(ortFeeds, wanted);
      } catch (cause) {
        throw new LossGraphError('KERNEL_ERROR', `onnxruntime-node failed to run the graph: ${(cause as Error).message}`, {}, { cause });
      }
      const out: Outputs = {};
      for (const name of wanted) out[name] = fromOrtTensor(results[name]!, outputDtype.get(name)!);
      return out;
    },
    async dispose() {
      if (guard.dispose()) await lease.release();
    },
  };
}
