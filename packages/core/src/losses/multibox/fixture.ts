import type { HostTensor } from '../../backend/contract.js';
import type { MetadataReader } from '../../io/fixture-metadata.js';
import { type FixtureDescription, spec } from '../fixture-spec.js';
import { MULTIBOX_EXTRA_OUTPUTS, type MultiboxLossOptions } from './options.js';
import { MULTIBOX_PROFILES, type MultiboxProfile } from './profile.js';
import { multiboxLossProgram } from './program.js';

/** One MultiBoxLoss fixture (docs/FIXTURES.md): inputs, options and expected values. */
export interface MultiboxFixture {
  readonly name: string;
  readonly loss: 'multibox';
  readonly metadata: Readonly<Record<string, string>>;
  readonly inputs: {
    readonly loc_data: HostTensor;
    readonly conf_data: HostTensor;
    readonly dbox_list: HostTensor;
    readonly targets: HostTensor;
    readonly num_objs: HostTensor;
  };
  readonly options: Required<Pick<MultiboxLossOptions, 'jaccardThresh' | 'negPos' | 'variances' | 'profile'>>;
  readonly expected: {
    readonly loss_l: number;
    readonly loss_c: number;
    readonly grad_loc: Float32Array;
    readonly grad_conf: Float32Array;
    readonly conf_t_label: Int32Array;
    readonly loc_t: Float32Array;
    readonly num_pos: Int32Array;
  };
}

/** The MultiBoxLoss options a fixture's metadata names (docs/FIXTURES.md defaults where absent). */
export function multiboxFixtureOptions(m: MetadataReader): MultiboxFixture['options'] {
  const profile: MultiboxProfile = m.oneOf('profile', MULTIBOX_PROFILES, 'seed');
  return {
    jaccardThresh: m.num('jaccard_thresh', 0.5),
    negPos: m.num('neg_pos', 3),
    variances: m.pair('variance', '0.1,0.2'),
    profile,
  };
}

/** docs/FIXTURES.md's multibox table (multibox keeps its historical gradient names grad_loc and grad_conf). */
export const MULTIBOX_FIXTURE: FixtureDescription<MultiboxFixture['options']> = {
  tensors: [
    spec('loc_data', 'F32', ['B', 'P', '4'], 'input'),
    spec('conf_data', 'F32', ['B', 'P', 'C'], 'input'),
    spec('dbox_list', 'F32', ['P', '4'], 'input'),
    spec('targets', 'F32', ['B', 'M', '5'], 'input'),
    spec('num_objs', 'I32', ['B'], 'input'),
    spec('loss_l', 'F64', [], 'loss'),
    spec('loss_c', 'F64', [], 'loss'),
    spec('grad_loc', 'F32', ['B', 'P', '4'], 'gradient', 'loc_data'),
    spec('grad_conf', 'F32', ['B', 'P', 'C'], 'gradient', 'conf_data'),
    spec('conf_t_label', 'I64', ['B', 'P'], 'integer'),
    spec('loc_t', 'F32', ['B', 'P', '4'], 'expected'),
    spec('num_pos', 'I64', ['B'], 'integer'),
  ],
  options: multiboxFixtureOptions,
  program: (options, gradients) =>
    multiboxLossProgram({ ...options, gradients, outputs: [...MULTIBOX_EXTRA_OUTPUTS], diagnostics: true }),
  profile: (options) => options.profile,
};
