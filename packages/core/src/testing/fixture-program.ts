import type { Feeds, LossProgram } from '../backend/contract.js';
import type { Fixture } from '../io/fixture.js';
import { lossEntry } from '../losses/registry.js';

/**
 * The program a fixture is checked with (its registry entry): its loss and options, the gradient outputs
 * (unless `gradients: false`, for runtimes that differentiate by themselves) and every diagnostic output.
 */
export function fixtureProgram(fx: Fixture, { gradients = true }: { gradients?: boolean } = {}): LossProgram {
  return lossEntry(fx.loss).fixture.program(fx.options, gradients);
}

/** A key that is equal for fixtures checked with the same program (to share one compiled loss between them). */
export function fixtureProgramKey(fx: Fixture): string {
  return `${fx.loss}:${JSON.stringify(fx.options)}`;
}

export function fixtureFeeds(fx: Fixture): Feeds {
  return fx.inputs;
}
