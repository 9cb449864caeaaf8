import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { compileReference, createTrainer, parseSafetensors, writeSafetensors } from '../src/index.js';
import { multiboxTrainingLoss } from '../src/losses/multibox/training-loss.js';
import { loadCheckpoint, saveCheckpoint } from '../src/node/index.js';
import { loadOptimReference } from '../src/testing/optim-reference.js';
import { trainerResumeDifferences } from '../src/testing/trainer-resume.js';

// a rename that fails on demand, as a full disk or a crash between the write and the rename would
const renameFailure = vi.hoisted(() => ({ error: undefined as Error | undefined }));
vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  return {
    ...fs,
    rename: (from: string, to: string) =>
      renameFailure.error === undefined ? fs.rename(from, to) : Promise.reject(renameFailure.error),
  };
});

const ref = await loadOptimReference();
const folder = await mkdtemp(join(tmpdir(), 'lossgraph-checkpoint-test-'));
afterAll(() => rm(folder, { recursive: true, force: true }));

const trainer = (
  optimizer: Parameters<typeof createTrainer>[0]['optimizer'] = { type: 'sgd', lr: 0.1, momentum: 0.9 },
) => createTrainer({ model: ref.model, loss: multiboxTrainingLoss(), optimizer, compile: compileReference });

describe('trainer checkpoints', () => {
  it('resuming after 3 of 6 steps is bit-identical to the uninterrupted run (reference interpreter, Adam)', async () => {
    expect(await trainerResumeDifferences(compileReference)).toEqual([]);
  });

  it('resuming is bit-identical with SGD momentum too (its first-step rule reads the step count)', async () => {
    const differences = await trainerResumeDifferences(compileReference, {
      steps: 4,
      resumeAt: 1,
      optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9, dampening: 0.5 },
    });
    expect(differences).toEqual([]);
  });

  it('holds the parameters, optimizer and BatchNorm state, the step count and the optimizer in its metadata', async () => {
    const t = await trainer({ type: 'adamw', lr: 0.01, betas: [0.8, 0.99] });
    try {
      await t.step(ref.batch);
      const file = parseSafetensors(t.save());
      expect(file.metadata.format).toBe('lossgraph.trainer/1');
      expect(file.metadata.step).toBe('1');
      expect(JSON.parse(file.metadata.optimizer!)).toEqual({
        type: 'adamw',
        lr: 0.01,
        betas: [0.8, 0.99],
        eps: 1e-8,
        weightDecay: 1e-2,
        amsgrad: false,
        maximize: false,
      });
      expect([...file.tensors.keys()].sort()).toEqual([...t.program.parameters, ...t.program.state].sort());
      expect(file.tensors.has('bn.running_var')).toBe(true);
      expect(file.tensors.has('loc.weight.exp_avg_sq')).toBe(true);
      // the reference interpreter computes in float64; the checkpoint keeps its values exactly
      expect(file.tensors.get('loc.weight')!.data).toEqual(t.parameter('loc.weight').data);
    } finally {
      await t.dispose();
    }
  });

  it('a failed write keeps the previous checkpoint file and leaves no temporary file', async () => {
    const t = await trainer();
    try {
      const path = join(folder, 'atomic.safetensors');
      await saveCheckpoint(t, path);
      const before = await readFile(path);
      await t.step(ref.batch);
      renameFailure.error = Object.assign(new Error('EIO: injected rename failure'), { code: 'EIO' });
      try {
        await expect(saveCheckpoint(t, path)).rejects.toThrow('injected rename failure');
      } finally {
        renameFailure.error = undefined;
      }
      expect(Buffer.compare(await readFile(path), before)).toBe(0);
      expect(await readdir(folder)).toEqual(['atomic.safetensors']);
      // and the kept file still loads: the trainer goes back to step 0
      await loadCheckpoint(t, path);
      expect(t.stepCount).toBe(0);
      await saveCheckpoint(t, path);
      expect(parseSafetensors(new Uint8Array(await readFile(path))).metadata.step).toBe('0');
    } finally {
      await t.dispose();
    }
  });

  it('a checkpoint that does not fit the trainer is refused with INVALID_CHECKPOINT, the state kept', async () => {
    const sgdTrainer = await trainer();
    const adamTrainer = await trainer({ type: 'adam' });
    try {
      await sgdTrainer.step(ref.batch);
      const before = sgdTrainer.state();
      const bytes = sgdTrainer.save();
      expect(() => adamTrainer.load(bytes, 'sgd.safetensors')).toThrow(
        expect.objectContaining({
          code: 'INVALID_CHECKPOINT',
          message: expect.stringMatching(/^sgd.safetensors: .*'sgd'/),
        }),
      );
      const file = parseSafetensors(bytes);
      const without = Object.fromEntries([...file.tensors].filter(([name]) => name !== 'conf.bias'));
      expect(() => sgdTrainer.load(writeSafetensors(without, { ...file.metadata }))).toThrow(
        expect.objectContaining({ code: 'INVALID_CHECKPOINT', details: { tensor: 'conf.bias' } }),
      );
      const reshaped = {
        ...Object.fromEntries(file.tensors),
        'bn.bias': { dtype: 'F32', shape: [2], data: new Float32Array(2) },
      };
      expect(() => sgdTrainer.load(writeSafetensors(reshaped as never, { ...file.metadata }))).toThrow(
        expect.objectContaining({ code: 'INVALID_CHECKPOINT', details: { tensor: 'bn.bias' } }),
      );
      expect(() => sgdTrainer.load(new Uint8Array([1, 2, 3]))).toThrow(
        expect.objectContaining({ code: 'INVALID_CHECKPOINT' }),
      );
      expect(() => sgdTrainer.load(writeSafetensors(Object.fromEntries(file.tensors), {}))).toThrow(
        expect.objectContaining({
          code: 'INVALID_CHECKPOINT',
          message: expect.stringMatching(/not a trainer checkpoint/),
        }),
      );
      expect(sgdTrainer.stepCount).toBe(1);
      expect(sgdTrainer.state()).toEqual(before);
      const garbage = join(folder, 'garbage.safetensors');
      await writeFile(garbage, 'not a checkpoint');
      await expect(loadCheckpoint(sgdTrainer, garbage)).rejects.toMatchObject({
        code: 'INVALID_CHECKPOINT',
        message: expect.stringContaining(garbage),
      });
    } finally {
      await sgdTrainer.dispose();
      await adamTrainer.dispose();
    }
  });
});
