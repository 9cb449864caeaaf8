import { browserBackend } from '../browser/backend.js';

/** onnxruntime-web's webgpu execution provider (JSEP) in headless Chromium; here WebGPU is SwiftShader's software adapter. */
export const browserOnnxruntimeWebWebgpuBackend = () =>
  browserBackend(
    'browser-onnxruntime-web-webgpu',
    'ort-webgpu',
    'WebGPU through --enable-unsafe-webgpu on the SwiftShader (CPU) adapter: its numbers show correctness, not GPU speed',
  );
