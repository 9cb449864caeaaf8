import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { constantLr, cosineLr, type LrSchedule, stepLr, warmup } from '../src/index.js';

// tools/reference/lr_schedules.py: torch.optim.lr_scheduler 1.13's learning rate before each optimizer step
interface ScheduleSpec {
  readonly type: 'constant' | 'step' | 'cosine' | 'warmup';
  readonly lr: number;
  readonly stepSize: number;
  readonly gamma?: number;
  readonly tMax: number;
  readonly etaMin?: number;
  readonly steps: number;
  readonly startFactor?: number;
  readonly inner: ScheduleSpec;
}
const data = JSON.parse(readFileSync(new URL('./data/lr_schedules.json', import.meta.url), 'utf8')) as {
  cases: { name: string; schedule: ScheduleSpec; lrs: number[] }[];
};

function schedule(s: ScheduleSpec): LrSchedule {
  switch (s.type) {
    case 'constant':
      return constantLr(s.lr);
    case 'step':
      return stepLr(s);
    case 'cosine':
      return cosineLr(s);
    case 'warmup':
      return warmup(schedule(s.inner), s);
  }
}

describe('learning-rate schedules against torch.optim.lr_scheduler 1.13', () => {
  it('has every case of the reference file', () => {
    expect(data.cases.map((c) => c.name).sort()).toEqual(
      ['constant', 'cosine', 'step', 'step_default_gamma', 'warmup_constant', 'warmup_cosine', 'warmup_step'].sort(),
    );
  });
  for (const c of data.cases) {
    it(`${c.name}: the learning rate of each of ${c.lrs.length} steps`, () => {
      const lrAt = schedule(c.schedule);
      // PyTorch steps its schedulers recursively (lr ← lr·factor); the closed forms agree to float64 rounding
      c.lrs.forEach((want, k) => {
        expect(Math.abs(lrAt(k) - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
      });
    });
  }
  it('rejects bad options and steps with INVALID_OPTION', () => {
    expect(() => stepLr({ lr: 0.1, stepSize: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => cosineLr({ lr: -1, tMax: 10 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => warmup(constantLr(0.1), { steps: 3, startFactor: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => constantLr(0.1)(-1)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => stepLr({ lr: 0.1, stepSize: 2 })(1.5)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
