import { hashGraph } from '@lossgraph/core';
import { defineOrtBackend } from '@lossgraph/onnxruntime-common';
import { CUDA_INSTALL_HINT } from './cuda-hint.js';
import {
  type ExecutionProvider,
  NODE_OPTION_RULES,
  type NodeOptions,
  type OnnxRuntimeNodeOptions,
  PROVIDERS,
} from './options.js';
import { loadOrt } from './runtime.js';
import { acquireSession } from './session-cache.js';

/**
 * Compiles a graph (or a loss program) to an onnxruntime-node session (CPU or CUDA). What is specific to
 * onnxruntime-node: loading it, its providers and session options, and sessions shared per graph hash
 * and options (runs may overlap). The rest is @lossgraph/onnxruntime-common and core's contract.
 */
export const compile = defineOrtBackend<ExecutionProvider, OnnxRuntimeNodeOptions, NodeOptions>({
  runtime: 'onnxruntime-node',
  providers: PROVIDERS,
  defaultProviders: ['cpu'],
  options: NODE_OPTION_RULES,
  concurrency: 'parallel',
  async openSession(graph, model, ep, options) {
    const ort = await loadOrt();
    const key = [
      hashGraph(graph),
      ep,
      options.intraOpNumThreads ?? '',
      options.intraOpSpinning ?? '',
      options.graphOptimizationLevel,
      options.enableMemPattern,
      options.enableCpuMemArena,
    ].join('|');
    const session = await acquireSession(key, async () =>
      ort.InferenceSession.create(model(), {
        executionProviders: [ep],
        graphOptimizationLevel: options.graphOptimizationLevel,
        enableMemPattern: options.enableMemPattern,
        enableCpuMemArena: options.enableCpuMemArena,
        ...(options.intraOpNumThreads !== undefined && { intraOpNumThreads: options.intraOpNumThreads }),
        ...(options.intraOpSpinning !== undefined && {
          extra: { session: { intra_op: { allow_spinning: options.intraOpSpinning ? '1' : '0' } } },
        }),
      }),
    );
    return { session, Tensor: ort.Tensor };
  },
  unavailableHint: (failures) => (failures.some((f) => f.executionProvider === 'cuda') ? CUDA_INSTALL_HINT : undefined),
});
