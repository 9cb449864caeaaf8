import type { BenchBackend } from './types.js';

// imported on first use, so that a missing tfjs package only makes this backend unavailable
const runtime = async () => {
  const [lossgraph, tf] = await Promise.all([
    import('@lossgraph/tfjs'),
    import('@tensorflow/tfjs-core'),
    import('@tensorflow/tfjs-backend-cpu'),
  ]);
  return { compile: lossgraph.compile, tf };
};

/** @lossgraph/tfjs on tfjs-backend-cpu: tfjs's plain JavaScript kernels, one thread. */
export const tfjsCpuBackend: BenchBackend = {
  name: 'tfjs-cpu',
  notes: "tfjs's plain JavaScript kernels (one thread)",
  probe: async () => {
    try {
      const { tf } = await runtime();
      return (await tf.setBackend('cpu'))
        ? { available: true }
        : { available: false, reason: 'tfjs could not start its cpu backend' };
    } catch (error) {
      return {
        available: false,
        reason: `@lossgraph/tfjs or tfjs-backend-cpu did not load: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  },
  compile: async (program, options) => (await runtime()).compile(program, { ...options, backend: 'cpu' }),
};
