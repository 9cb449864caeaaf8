import type { LossEntry } from '../loss-entry.js';
import { RETINANET_FIXTURE, type RetinanetFixture } from './fixture.js';
import { type RetinanetLossOptions, resolveRetinanetOptions } from './options.js';
import { retinanetLossProgram } from './program.js';

/** torchvision's RetinaNet loss as the registry lists it. */
export const RETINANET_ENTRY: LossEntry<RetinanetLossOptions, RetinanetFixture['options']> = {
  name: 'retinanet',
  title: 'RetinaNet loss',
  program: retinanetLossProgram,
  resolveOptions: resolveRetinanetOptions,
  fixture: RETINANET_FIXTURE,
};
