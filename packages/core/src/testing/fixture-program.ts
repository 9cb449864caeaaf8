import type { Feeds, LossProgram } from '../backend/contract.js';
import type { MultiboxFixture } from '../io/fixture.js';
import { multiboxLossProgram } from '../losses/multibox-program.js';

/** The program a fixture is checked with: its options, gradients, and the diagnostic outputs. */
export function fixtureProgram(fx: MultiboxFixture): LossProgram {
  return multiboxLossProgram({ ...fx.options, gradients: true, outputs: ['num_pos', 'conf_t_label', 'loc_t'] });
}

export function fixtureFeeds(fx: MultiboxFixture): Feeds {
  return fx.inputs;
}
