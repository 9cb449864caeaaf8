import type { Feeds, LossProgram } from '../backend/contract.js';
import type { Fixture } from '../io/fixture.js';
import { MULTIBOX_EXTRA_OUTPUTS } from '../losses/multibox/options.js';
import { multiboxLossProgram } from '../losses/multibox/program.js';
import { retinanetLossProgram } from '../losses/retinanet/program.js';

/**
 * The program a fixture is checked with: its loss and options, the gradient outputs (unless
 * `gradients: false`, for runtimes that differentiate by themselves) and every diagnostic output.
 */
export function fixtureProgram(fx: Fixture, { gradients = true }: { gradients?: boolean } = {}): LossProgram {
  if (fx.loss === 'retinanet') return retinanetLossProgram({ ...fx.options, gradients, outputs: ['matched_idxs'] });
  return multiboxLossProgram({ ...fx.options, gradients, outputs: [...MULTIBOX_EXTRA_OUTPUTS] });
}

/** A key that is equal for fixtures checked with the same program (to share one compiled loss between them). */
export function fixtureProgramKey(fx: Fixture): string {
  return `${fx.loss}:${JSON.stringify(fx.options)}`;
}

export function fixtureFeeds(fx: Fixture): Feeds {
  return fx.inputs;
}
