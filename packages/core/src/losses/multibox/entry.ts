import type { LossEntry } from '../loss-entry.js';
import { MULTIBOX_FIXTURE, type MultiboxFixture } from './fixture.js';
import { type MultiboxLossOptions, resolveMultiboxOptions } from './options.js';
import { multiboxLossProgram } from './program.js';

/** The SSD MultiBoxLoss (profiles seed and torchvision) as the registry lists it. */
export const MULTIBOX_ENTRY: LossEntry<MultiboxLossOptions, MultiboxFixture['options']> = {
  name: 'multibox',
  title: 'MultiBoxLoss',
  program: multiboxLossProgram,
  resolveOptions: resolveMultiboxOptions,
  fixture: MULTIBOX_FIXTURE,
};
