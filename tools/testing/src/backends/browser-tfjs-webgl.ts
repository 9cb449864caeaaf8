import { browserBackend } from '../browser/backend.js';

/** @lossgraph/tfjs on tfjs-backend-webgl in headless Chromium; WebGL is SwiftShader (software) there. */
export const browserTfjsWebglBackend = () =>
  browserBackend('browser-tfjs-webgl', 'tfjs-webgl', 'tfjs webgl on SwiftShader WebGL 2 (software rendering)');
