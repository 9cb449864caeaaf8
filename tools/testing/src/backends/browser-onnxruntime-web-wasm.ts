import { browserBackend } from '../browser/backend.js';

/** onnxruntime-web's wasm execution provider in headless Chromium, threaded (the page is cross-origin isolated). */
export const browserOnnxruntimeWebWasmBackend = () => browserBackend('browser-onnxruntime-web-wasm', 'ort-wasm');
