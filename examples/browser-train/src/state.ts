import type { Agreement, StepLoss } from '@lossgraph-examples/tiny-ssd';

/** What the page has done so far, for people (the DOM) and for the test (window.__browserTrain). */
export interface PageState {
  phase: 'loading' | 'ready' | 'training' | 'checking' | 'error';
  tfBackend: string;
  crossOriginIsolated: boolean;
  steps: StepLoss[];
  check?: {
    readonly rows: readonly (Agreement & { readonly tfjs: number; readonly ort: number })[];
    readonly ortThreads: number;
    readonly ortMs: number;
    readonly pass: boolean;
  };
  error?: string;
}

declare global {
  interface Window {
    __browserTrain?: PageState;
  }
}
