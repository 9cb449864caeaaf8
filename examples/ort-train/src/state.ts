import type { Detection } from './detections.js';

export interface PageStep {
  readonly step: number;
  readonly loss_l: number;
  readonly loss_c: number;
  readonly total: number;
}

/** What the page has done so far, for people (the DOM) and for the test (window.__ortTrain). */
export interface PageState {
  phase: 'loading' | 'training' | 'inference' | 'done' | 'error';
  /** the execution provider training and inference run on: 'webgpu' or 'wasm' */
  ep: string;
  crossOriginIsolated: boolean;
  steps: PageStep[];
  /** after inference: the detections of each held-out image (plain onnxruntime-web, decoded, after NMS) */
  detections?: Detection[][];
  /** boxes drawn on the canvases (truths and predictions) */
  boxesDrawn?: number;
  exportedBytes?: number;
  error?: string;
}

declare global {
  interface Window {
    __ortTrain?: PageState;
  }
}
