/** The conformance cases on browser-tfjs-webgl in headless Chromium (support/browser-conformance.ts). */
import { describeBrowserConformance } from './support/browser-conformance.js';

await describeBrowserConformance('browser-tfjs-webgl');
