/** The conformance cases on browser-onnxruntime-web-wasm in headless Chromium (support/browser-conformance.ts). */
import { describeBrowserConformance } from './support/browser-conformance.js';

await describeBrowserConformance('browser-onnxruntime-web-wasm');
