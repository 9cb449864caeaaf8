import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { CompiledLoss } from '@lossgraph/core';
import type { BenchBackend } from './types.js';

// imported on first use, so that a missing tfjs package only makes this backend unavailable
const runtime = async () => {
  const [lossgraph, tf, wasm] = await Promise.all([
    import('@lossgraph/tfjs'),
    import('@tensorflow/tfjs-core'),
    import('@tensorflow/tfjs-backend-wasm'),
  ]);
  // in Node, tfjs-backend-wasm reads its .wasm files from a folder: the installed package's dist/
  wasm.setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  return { compile: lossgraph.compile, tf, wasm };
};

/** What runs the kernels: SIMD or not, and the thread count tfjs-backend-wasm chose. */
async function describe(): Promise<string> {
  const { tf, wasm } = await runtime();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'SIMD' : 'no SIMD';
  const threads = wasm.getThreadsCount();
  return `wasm (${simd}, ${threads} thread${threads === 1 ? '' : 's'})`;
}

/** @lossgraph/tfjs on tfjs-backend-wasm in Node (XNNPACK kernels). */
export const tfjsWasmBackend: BenchBackend = {
  name: 'tfjs-wasm',
  notes: 'tfjs-backend-wasm in Node, .wasm files loaded from the installed package',
  probe: async () => {
    try {
      const { tf } = await runtime();
      return (await tf.setBackend('wasm'))
        ? { available: true }
        : { available: false, reason: 'tfjs could not start its wasm backend' };
    } catch (error) {
      return {
        available: false,
        reason: `@lossgraph/tfjs or tfjs-backend-wasm did not load: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  },
  compile: async (program, options): Promise<CompiledLoss> => {
    const loss = await (await runtime()).compile(program, { ...options, backend: 'wasm' });
    return { ...loss, device: await describe() };
  },
};
