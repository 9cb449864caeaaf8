import { fail } from '../errors.js';

/**
 * A learning-rate schedule: the learning rate of optimizer step `step` (0-based: the number of steps
 * taken before it, which is torch.optim.lr_scheduler's `last_epoch` when `scheduler.step()` follows every
 * `optimizer.step()`). Plain functions in float64, so a trainer can compute any step's rate from the step
 * count alone (and a resumed run gets the same rates).
 */
export type LrSchedule = (step: number) => number;

function positiveInteger(owner: string, name: string, v: number): number {
  if (!(Number.isInteger(v) && v >= 1))
    fail('INVALID_OPTION', `${owner} option '${name}' must be an integer >= 1, got ${JSON.stringify(v)}`, {
      option: name,
    });
  return v;
}

function nonNegative(owner: string, name: string, v: number): number {
  if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0))
    fail('INVALID_OPTION', `${owner} option '${name}' must be a finite number >= 0, got ${JSON.stringify(v)}`, {
      option: name,
    });
  return v;
}

function checkStep(step: number): void {
  if (!(Number.isInteger(step) && step >= 0))
    fail('INVALID_OPTION', `learning-rate schedule: step must be an integer >= 0, got ${step}`, { option: 'step' });
}

/** The same learning rate at every step (no scheduler). */
export function constantLr(lr: number): LrSchedule {
  nonNegative('constantLr', 'lr', lr);
  return (step) => {
    checkStep(step);
    return lr;
  };
}

/** torch.optim.lr_scheduler.StepLR: lr · gamma^⌊step / stepSize⌋ (gamma default 0.1). */
export function stepLr(options: {
  readonly lr: number;
  readonly stepSize: number;
  readonly gamma?: number;
}): LrSchedule {
  const lr = nonNegative('stepLr', 'lr', options.lr);
  const stepSize = positiveInteger('stepLr', 'stepSize', options.stepSize);
  const gamma = nonNegative('stepLr', 'gamma', options.gamma ?? 0.1);
  return (step) => {
    checkStep(step);
    return lr * gamma ** Math.floor(step / stepSize);
  };
}

/**
 * torch.optim.lr_scheduler.CosineAnnealingLR in its closed form: etaMin + (lr − etaMin)·(1 + cos(π·step/tMax))/2
 * (after tMax steps it rises again, as PyTorch's does; etaMin default 0).
 */
export function cosineLr(options: {
  readonly lr: number;
  readonly tMax: number;
  readonly etaMin?: number;
}): LrSchedule {
  const lr = nonNegative('cosineLr', 'lr', options.lr);
  const tMax = positiveInteger('cosineLr', 'tMax', options.tMax);
  const etaMin = nonNegative('cosineLr', 'etaMin', options.etaMin ?? 0);
  return (step) => {
    checkStep(step);
    return etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * step) / tMax))) / 2;
  };
}

/**
 * Linear warm-up before another schedule, as PyTorch's SequentialLR([LinearLR(startFactor, 1, steps),
 * inner], milestones=[steps]): for step < steps, inner(0) · (startFactor + (1 − startFactor)·step/steps);
 * then inner(step − steps), so the inner schedule starts from its own step 0. `startFactor` in (0, 1],
 * default 1/3 (LinearLR's).
 */
export function warmup(
  inner: LrSchedule,
  options: { readonly steps: number; readonly startFactor?: number },
): LrSchedule {
  if (typeof inner !== 'function')
    fail('INVALID_OPTION', `warmup: the schedule to warm up must be a function of the step`, { option: 'inner' });
  const steps = positiveInteger('warmup', 'steps', options.steps);
  const startFactor = options.startFactor ?? 1 / 3;
  if (!(typeof startFactor === 'number' && startFactor > 0 && startFactor <= 1))
    fail('INVALID_OPTION', `warmup option 'startFactor' must be in (0, 1], got ${JSON.stringify(startFactor)}`, {
      option: 'startFactor',
    });
  return (step) => {
    checkStep(step);
    if (step >= steps) return inner(step - steps);
    return inner(0) * (startFactor + ((1 - startFactor) * step) / steps);
  };
}
