import { describe, expect, it } from 'vitest';
import { compileReference, createTrainer, type Feeds, type HostTensor, LossGraphError } from '../src/index.js';
import { multiboxTrainingLoss } from '../src/losses/multibox/training-loss.js';
import { loadOptimReference } from '../src/testing/optim-reference.js';
import { tensorFailure } from '../src/testing/training-compare.js';

const ref = await loadOptimReference();
const rounding = 2 ** -23;
/** a reference tensor's values (every one the tests read is F32) */
const want = (name: string) => ref.tensor(name).data as Float32Array;

const trainerFor = (name: string) => {
  const c = ref.cases.find((x) => x.name === name)!;
  return createTrainer({
    model: ref.model,
    loss: multiboxTrainingLoss(),
    optimizer: c.optimizer,
    compile: compileReference,
    lr: (k) => c.lrs[k]!,
  });
};

const withImages = (data: HostTensor['data']): Feeds => ({
  ...ref.batch,
  images: { ...ref.batch.images!, data },
});

describe('createTrainer (reference interpreter)', () => {
  for (const name of ['sgd_momentum', 'adam', 'adamw']) {
    it(`${name}: losses, parameters, running stats and optimizer state as torch.optim after the steps`, async () => {
      const c = ref.cases.find((x) => x.name === name)!;
      const trainer = await trainerFor(name);
      try {
        for (let k = 0; k < ref.steps; k++) {
          expect(trainer.lr).toBe(c.lrs[k]);
          const losses = await trainer.step(ref.batch);
          for (const [term, got] of Object.entries(losses)) {
            const want = (ref.tensor(`${name}/${term}_step${k}`).data as Float64Array)[0]!;
            expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
          }
        }
        expect(trainer.stepCount).toBe(ref.steps);
        const failures: (string | undefined)[] = [];
        for (const [p, t] of Object.entries(trainer.parameters()))
          failures.push(tensorFailure(p, t.data, want(`${name}/param/${p}`), rounding));
        const state = trainer.state();
        for (const s of ref.model.state)
          failures.push(tensorFailure(s.name, state[s.name]?.data, want(`${name}/state/${s.name}`), rounding));
        for (const slot of trainer.program.state.filter((n) => !ref.model.state.some((s) => s.name === n)))
          failures.push(tensorFailure(slot, state[slot]?.data, want(`${name}/opt/${slot}`), rounding));
        const out = await trainer.evalOutputs(ref.batch);
        for (const o of ref.model.outputs)
          failures.push(tensorFailure(o.name, out[o.name]?.data, want(`${name}/eval/${o.name}`), rounding));
        expect(failures.filter((f) => f !== undefined)).toEqual([]);
        expect(trainer.parameter('loc.bias')).toBe(trainer.parameters()['loc.bias']);
        expect(() => trainer.parameter('bn.running_mean')).toThrow(expect.objectContaining({ code: 'MISSING_INPUT' }));
      } finally {
        await trainer.dispose();
      }
    });
  }

  it('a step after dispose() rejects with DISPOSED', async () => {
    const trainer = await trainerFor('sgd');
    await trainer.dispose();
    await expect(trainer.step(ref.batch)).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});

describe('safe steps', () => {
  it('a NaN batch mid-run keeps the previous parameters and state, names the step; training continues', async () => {
    // no value scans, so the NaN reaches the step's outputs and the trainer's own check catches it
    const c = ref.cases.find((x) => x.name === 'adam')!;
    const trainer = await createTrainer({
      model: ref.model,
      loss: multiboxTrainingLoss(),
      optimizer: c.optimizer,
      compile: compileReference,
      compileOptions: { validate: false },
    });
    const clean = await createTrainer({
      model: ref.model,
      loss: multiboxTrainingLoss(),
      optimizer: c.optimizer,
      compile: compileReference,
    });
    try {
      await trainer.step(ref.batch);
      await trainer.step(ref.batch);
      const before = trainer.state();
      const images = Float32Array.from(ref.batch.images!.data);
      images[5] = Number.NaN;
      const error = await trainer.step(withImages(images)).catch((e: unknown) => e);
      expect(LossGraphError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'NON_FINITE', details: { step: 3 } });
      expect((error as LossGraphError).message).toMatch(/^trainer step 3: '(loss_l|loss_c|[a-z.]+\.next)' holds NaN/);
      expect(trainer.stepCount).toBe(2);
      expect(trainer.state()).toEqual(before);
      for (const [name, t] of Object.entries(trainer.state())) expect(t, name).toBe(before[name]);
      // the run goes on as if the bad batch had never come: as a run of three good steps
      await trainer.step(ref.batch);
      for (let k = 0; k < 3; k++) await clean.step(ref.batch);
      expect(trainer.stepCount).toBe(3);
      for (const [name, t] of Object.entries(clean.state())) expect(trainer.state()[name]?.data, name).toEqual(t.data);
    } finally {
      await trainer.dispose();
      await clean.dispose();
    }
  });

  it('with value scans on, a NaN batch is refused before the run with the step number added', async () => {
    const trainer = await trainerFor('sgd');
    try {
      const images = Float32Array.from(ref.batch.images!.data);
      images[0] = Number.POSITIVE_INFINITY;
      await expect(trainer.step(withImages(images))).rejects.toMatchObject({
        code: 'NON_FINITE',
        details: { step: 1 },
        message: expect.stringMatching(/^trainer step 1: /),
      });
      expect(trainer.stepCount).toBe(0);
      await trainer.step(ref.batch);
      expect(trainer.stepCount).toBe(1);
    } finally {
      await trainer.dispose();
    }
  });
});

describe('trainer queue', () => {
  it('steps called together run one after another; load() while they are pending is refused', async () => {
    const trainer = await trainerFor('sgd_momentum');
    const one = await trainerFor('sgd_momentum');
    try {
      const bytes = trainer.save();
      const [a, b] = [trainer.step(ref.batch), trainer.step(ref.batch)];
      expect(() => trainer.load(bytes)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
      await Promise.all([a, b]);
      expect(trainer.stepCount).toBe(2);
      await one.step(ref.batch);
      await one.step(ref.batch);
      for (const [name, t] of Object.entries(one.state())) expect(trainer.state()[name]?.data, name).toEqual(t.data);
      trainer.load(bytes);
      expect(trainer.stepCount).toBe(0);
    } finally {
      await trainer.dispose();
      await one.dispose();
    }
  });
});

describe('trainer options', () => {
  const base = { model: ref.model, loss: multiboxTrainingLoss(), optimizer: { type: 'sgd', lr: 0.1 } as const };
  it('an unknown key, a missing compile or a schedule that is not a function is INVALID_OPTION', async () => {
    await expect(createTrainer({ ...base, compile: compileReference, lrs: [0.1] } as never)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
    await expect(createTrainer({ ...base } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(createTrainer({ ...base, compile: compileReference, lr: 0.1 } as never)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'lr' },
    });
  });
  it('a schedule giving a negative rate fails the step with INVALID_OPTION and keeps the state', async () => {
    const trainer = await createTrainer({ ...base, compile: compileReference, lr: (k) => 0.1 - k * 0.1 });
    try {
      await trainer.step(ref.batch);
      expect(trainer.lr).toBeCloseTo(0, 12);
      await trainer.step(ref.batch);
      await expect(trainer.step(ref.batch)).rejects.toMatchObject({
        code: 'INVALID_OPTION',
        details: { option: 'lr' },
      });
      expect(trainer.stepCount).toBe(2);
    } finally {
      await trainer.dispose();
    }
  });
});

describe('createTrainer stateOn', () => {
  const make = (stateOn: unknown) =>
    createTrainer({
      model: ref.model,
      loss: multiboxTrainingLoss(),
      optimizer: { type: 'sgd', lr: 0.01 },
      compile: compileReference,
      stateOn: stateOn as 'host',
    });

  it("'device' on a backend without resident runs (the reference) is INVALID_OPTION naming stateOn", async () => {
    await expect(make('device')).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { option: 'stateOn' } });
    await expect(make('gpu')).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { option: 'stateOn' } });
  });

  it("'auto' keeps the state on the host there, and counts every state tensor both ways", async () => {
    const trainer = await make('auto');
    try {
      await trainer.step(ref.batch);
      const { stateLocation, lastStep, total } = trainer.transfers();
      expect(stateLocation).toBe('host');
      const stateBytes = Object.values(trainer.state()).reduce((n, t) => n + 4 * t.data.length, 0);
      expect(lastStep.toDevice).toBeGreaterThan(stateBytes);
      expect(lastStep.toHost).toBeGreaterThan(stateBytes);
      expect(total).toEqual(lastStep);
    } finally {
      await trainer.dispose();
    }
  });
});
