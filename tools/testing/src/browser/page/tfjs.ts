import { compile } from '@lossgraph/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import type { PageProbe } from '../protocol.js';
import { type PageRuntimeImpl, withDevice } from './runtimes.js';

/** What tfjs found about this WebGL: version and whether it renders to float32 textures (else float16). */
function webglInfo(): string {
  const env = tf.env();
  const version = env.getNumber('WEBGL_VERSION');
  const f32 = env.getBool('WEBGL_RENDER_FLOAT32_ENABLED');
  const f16 = env.getBool('WEBGL_FORCE_F16_TEXTURES');
  return `WebGL ${version}, ${f32 && !f16 ? 'float32' : 'float16'} render textures`;
}

async function probe(): Promise<PageProbe> {
  if (!(await tf.setBackend('webgl')))
    return { available: false, reason: 'tfjs could not start its webgl backend (no WebGL context)', info: '' };
  return { available: true, info: webglInfo() };
}

export const tfjsWebglRuntime: PageRuntimeImpl = {
  probe,
  compile: async (graph) => {
    const loss = await compile(graph, { backend: 'webgl', validate: false });
    return withDevice(loss, `${loss.device} (${webglInfo()})`);
  },
};
