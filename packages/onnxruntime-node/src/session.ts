import { LossGraphError } from '@lossgraph/core';
import type { InferenceSession } from 'onnxruntime-node';
import { CUDA_INSTALL_HINT } from './cuda-hint.js';
import type { ExecutionProvider, ResolvedOptions } from './options.js';
import { loadOrt } from './runtime.js';

/** A created InferenceSession and the execution provider it actually runs on. */
export interface OpenSession {
  readonly session: InferenceSession;
  readonly device: ExecutionProvider;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Creates the session with the first provider of the list that starts: onnxruntime-node itself throws
 * when a listed provider cannot load, so each failing provider is dropped in turn (with a warning once
 * a later one works). Failing on the CPU means the model itself was rejected.
 */
export async function createSession(model: Uint8Array, options: ResolvedOptions): Promise<OpenSession> {
  const ort = await loadOrt();
  const base: InferenceSession.SessionOptions = {
    graphOptimizationLevel: options.graphOptimizationLevel,
    ...(options.intraOpNumThreads !== undefined && { intraOpNumThreads: options.intraOpNumThreads }),
  };
  const failures: string[] = [];
  for (let i = 0; i < options.executionProviders.length; i++) {
    const providers = options.executionProviders.slice(i);
    const device = providers[0]!;
    try {
      const session = await ort.InferenceSession.create(model, { ...base, executionProviders: [...providers] });
      if (failures.length > 0) {
        console.warn(`@lossgraph/onnxruntime-node: ${failures.join('; ')}; running on the ${device.toUpperCase()} execution provider instead. ${CUDA_INSTALL_HINT}`);
      }
      return { session, device };
    } catch (cause) {
      if (device === 'cpu') {
        throw new LossGraphError('BACKEND_UNAVAILABLE', `onnxruntime-node rejected the model on the CPU execution provider: ${message(cause)}`, { provider: 'cpu' }, { cause });
      }
      failures.push(`the ${device.toUpperCase()} execution provider could not start (${message(cause)})`);
      if (i === options.executionProviders.length - 1) {
        throw new LossGraphError('BACKEND_UNAVAILABLE', `@lossgraph/onnxruntime-node: ${failures.join('; ')}. ${CUDA_INSTALL_HINT}`, { provider: device }, { cause });
      }
    }
  }
  throw new Error('unreachable: no execution provider listed');
}
