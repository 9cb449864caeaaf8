import type { LossName } from '@lossgraph/core';
import type { PerfProblemEntry } from './entry.js';
import { MULTIBOX_PERF, type MultiboxProblem } from './multibox.js';
import { RETINANET_PERF, type RetinanetProblem } from './retinanet.js';
import { YOLOV8_PERF, type Yolov8Problem } from './yolov8.js';

export type { MultiboxProblem } from './multibox.js';
export type { RetinanetProblem } from './retinanet.js';
export type { Yolov8Problem } from './yolov8.js';

/** A timing problem of any loss. */
export type PerfProblem = MultiboxProblem | RetinanetProblem | Yolov8Problem;

/**
 * The synthetic timing problem of each loss of core's registry (LOSS_REGISTRY): keyed by its names, so a
 * loss added there without a problem here fails to compile.
 */
export const PERF_PROBLEMS: { readonly [L in LossName]: PerfProblemEntry<Extract<PerfProblem, { loss: L }>> } = {
  multibox: MULTIBOX_PERF,
  retinanet: RETINANET_PERF,
  yolov8: YOLOV8_PERF,
};

/** A problem's entry, typed for any problem. */
export function perfEntry(loss: LossName): PerfProblemEntry<PerfProblem> {
  return PERF_PROBLEMS[loss] as unknown as PerfProblemEntry<PerfProblem>;
}
