/** The conformance cases on browser-onnxruntime-web-webgpu in headless Chromium (support/browser-conformance.ts). */
import { describeBrowserConformance } from './support/browser-conformance.js';

await describeBrowserConformance('browser-onnxruntime-web-webgpu');
