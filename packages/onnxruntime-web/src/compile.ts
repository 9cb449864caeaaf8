import { defineOrtBackend } from '@lossgraph/onnxruntime-common';
import {
  type ExecutionProvider,
  type OnnxRuntimeWebOptions,
  PROVIDERS,
  WEB_OPTION_RULES,
  type WebOptions,
} from './options.js';
import type { Platform } from './runtime.js';
import { openWebSession } from './session.js';

/**
 * compile() for one platform (browser or Node; see the entry points). What is specific to
 * onnxruntime-web: which build runs an EP, its wasm files and threads, WebGPU detection, and one run at
 * a time per session. The rest is @lossgraph/onnxruntime-common and core's contract.
 */
export function webBackend(platform: Platform) {
  return defineOrtBackend<ExecutionProvider, OnnxRuntimeWebOptions, WebOptions>({
    runtime: 'onnxruntime-web',
    providers: PROVIDERS,
    defaultProviders: ['wasm'],
    options: WEB_OPTION_RULES,
    // a session runs one call at a time: later calls wait for earlier ones
    concurrency: 'serial',
    openSession: (_graph, model, ep, options) => openWebSession(platform, model, ep, options),
  });
}
