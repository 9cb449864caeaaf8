import type { RetinaOptions } from './retinanet.js';
import type { MatchOptions } from './runtime.js';
import type { YoloOptions } from './yolov8.js';

/** What the page shows, for the test (window.__explain); arrays are plain so page.evaluate can copy them. */
export interface ExplainState {
  phase: 'loading' | 'computing' | 'ready' | 'training' | 'error';
  /** recomputations finished so far */
  runs: number;
  options: MatchOptions;
  image: number;
  source: string;
  numPos: number;
  quota: number;
  mined: number;
  lossL: number;
  lossC: number;
  sumL: number;
  sumC: number;
  positives: number[];
  forced: number[];
  minedBoxes: number[];
  /** per default box, as the graph's diagnostics give them */
  matchedTruth: number[];
  crossEntropy: number[];
  smoothL1: number[];
  miningScore: number[];
  /** RetinaNet's view of the same boxes */
  retina?: {
    options: RetinaOptions;
    matched: number[];
    lowQuality: number[];
    focal: number[];
    box: number[];
    lossCls: number;
    lossBox: number;
    sumCls: number;
    sumBox: number;
  };
  /** YOLOv8's task-aligned assigner on the same image, and the feeds it ran on */
  yolo?: {
    options: YoloOptions;
    fgMask: number[];
    targetGtIdx: number[];
    /** [truth][anchor] 0/1 */
    candidates: number[][];
    contested: number[];
    lossBox: number;
    lossCls: number;
    lossDfl: number;
    sumBox: number;
    sumCls: number;
    sumDfl: number;
    feeds: Record<string, { dtype: string; shape: number[]; data: number[] }>;
  };
  /** the feeds of the last run, as plain arrays */
  feeds?: Record<string, { dtype: string; shape: number[]; data: number[] }>;
  error?: string;
}

declare global {
  interface Window {
    __explain?: ExplainState;
  }
}
