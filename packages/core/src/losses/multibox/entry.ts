import type { LossEntry } from '../loss-entry.js';
import { MULTIBOX_FIXTURE, type MultiboxFixture, multiboxFixtureOptions } from './fixture.js';
import { MULTIBOX_EXTRA_OUTPUTS, type MultiboxLossOptions, resolveMultiboxOptions } from './options.js';
import { MULTIBOX_PERF, type MultiboxPerfProblem } from './perf.js';
import { MULTIBOX_PROFILES } from './profile.js';
import { multiboxLossProgram } from './program.js';
import { multiboxTrainingLoss } from './training-loss.js';

/** The SSD MultiBoxLoss (profiles seed and torchvision) as the registry lists it. */
export const MULTIBOX_ENTRY: LossEntry<MultiboxLossOptions, MultiboxFixture['options'], MultiboxPerfProblem> = {
  name: 'multibox',
  title: 'MultiBoxLoss',
  program: multiboxLossProgram,
  resolveOptions: resolveMultiboxOptions,
  fixture: MULTIBOX_FIXTURE,
  cli: {
    summary: 'the SSD MultiBoxLoss, symbolic B, P, C, M',
    minClasses: 2,
    extraOutputs: MULTIBOX_EXTRA_OUTPUTS,
    flags: [
      {
        flag: 'profile',
        option: 'profile',
        kind: 'choice',
        choices: MULTIBOX_PROFILES,
        help: `${MULTIBOX_PROFILES.join(' (default) or ')}`,
      },
      {
        flag: 'jaccard-thresh',
        option: 'jaccardThresh',
        kind: 'number',
        help: 'IoU below which a default box is background (default 0.5)',
      },
      { flag: 'neg-pos', option: 'negPos', kind: 'number', help: 'hard negatives per positive (default 3)' },
      { flag: 'variances', option: 'variances', kind: 'pair', help: 'box-encoding variances A,B (default 0.1,0.2)' },
    ],
  },
  perf: MULTIBOX_PERF,
  training: {
    loss: multiboxTrainingLoss,
    terms: ['loss_l', 'loss_c'],
    priorsInputs: ['dbox_list'],
    fixtureOptions: multiboxFixtureOptions,
  },
};
