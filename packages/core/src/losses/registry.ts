import type { LossEntry } from './loss-entry.js';
import { MULTIBOX_ENTRY } from './multibox/entry.js';
import type { MultiboxFixture } from './multibox/fixture.js';
import type { MultiboxPerfProblem } from './multibox/perf.js';
import type { PerfProblemDescription } from './perf-problem.js';
import { RETINANET_ENTRY } from './retinanet/entry.js';
import type { RetinanetFixture } from './retinanet/fixture.js';
import type { RetinanetPerfProblem } from './retinanet/perf.js';
import { YOLOV8_ENTRY } from './yolov8/entry.js';
import type { Yolov8LossFixture } from './yolov8/fixture-table.js';
import type { Yolov8PerfProblem } from './yolov8/perf.js';

export * from './multibox/index.js';
export * from './retinanet/index.js';
export * from './yolov8/index.js';

/**
 * Every loss, by name: the one place that lists them all (docs/DESIGN.md, "Losses: one registry"). Adding a
 * loss is a folder under losses/ exporting its entry, plus one line here (and its fixture and timing problem
 * types below).
 */
export const LOSS_REGISTRY = {
  multibox: MULTIBOX_ENTRY,
  retinanet: RETINANET_ENTRY,
  yolov8: YOLOV8_ENTRY,
} as const;

export type LossName = keyof typeof LOSS_REGISTRY;

/** The loss taken where none is named: fixtures without `loss` metadata, `lossgraph export`, `bench perf`. */
export const DEFAULT_LOSS: LossName = 'multibox';

/** The registered loss names, in registry order. */
export const LOSS_NAMES = Object.keys(LOSS_REGISTRY) as LossName[];

/** A fixture of any registered loss, as the fixture reader returns it. */
export type Fixture = MultiboxFixture | RetinanetFixture | Yolov8LossFixture;

/** The timing problem (`bench perf`) of any registered loss, as a perf JSON config records it. */
export type PerfProblem = MultiboxPerfProblem | RetinanetPerfProblem | Yolov8PerfProblem;

/** The registry entry of `name` (typed loosely: callers that iterate the registry do not know the options type). */
export function lossEntry(name: LossName): LossEntry<object, object> {
  return LOSS_REGISTRY[name] as unknown as LossEntry<object, object>;
}

/** The timing problem description of `name` (typed for any loss's problem). */
export function perfProblem(name: LossName): PerfProblemDescription<PerfProblem> {
  return LOSS_REGISTRY[name].perf as unknown as PerfProblemDescription<PerfProblem>;
}
