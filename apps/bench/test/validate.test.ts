import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseSafetensors, writeSafetensors } from '@lossgraph/core';
import {
  diagnosticsPath,
  fixtureName,
  listFixtureFiles,
  listTrainingFixtureFiles,
  repoFixturesDir,
} from '@lossgraph/core/testing';
import { type BenchBackend, referenceBackend } from '@lossgraph-tools/testing';
import { describe, expect, it } from 'vitest';
import { validate } from '../src/commands/validate.js';

const root = resolve(import.meta.dirname, '../../..');

function bench(args: string[]) {
  return spawnSync('npx', ['tsx', '--conditions=source', 'apps/bench/src/cli.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}

/**
 * The committed fixtures without the training steps of torchvision's architectures (train_tv_*): those take
 * minutes on the float64 reference interpreter, so the default tests run them on the float32 Node backends
 * (training-fixtures.test.ts of onnxruntime-node, onnxruntime-web and tfjs) and `bench validate` on every backend.
 */
function fixturesWithoutTorchvisionTraining(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lossgraph-validate-committed-'));
  for (const name of readdirSync(repoFixturesDir()))
    if (name.endsWith('.safetensors') && !name.startsWith('train_tv_'))
      symlinkSync(join(repoFixturesDir(), name), join(dir, name));
  symlinkSync(join(repoFixturesDir(), 'diagnostics'), join(dir, 'diagnostics'));
  return dir;
}

describe('bench validate', () => {
  it('passes every committed fixture on the reference backend', async () => {
    const lines: string[] = [];
    const committed = fixturesWithoutTorchvisionTraining();
    const report = await validate(committed, [referenceBackend], (l) => lines.push(l));
    const files = await listFixtureFiles(committed);
    expect(report.results).toHaveLength(files.length);
    expect(report.results.filter((r) => !r.pass)).toEqual([]);
    // the diagnostics of every fixture with a companion file were compared in the same run
    const withCompanion = readdirSync(join(committed, 'diagnostics')).map((n) => n.replace(/\.safetensors$/, ''));
    expect(report.results.filter((r) => r.diag !== null).map((r) => r.fixture)).toEqual(
      report.results.filter((r) => withCompanion.includes(r.fixture)).map((r) => r.fixture),
    );
    expect(withCompanion.length).toBeGreaterThanOrEqual(10);
    // and every committed training-step fixture (validate-training.test.ts checks the rows themselves)
    expect(report.training.map((r) => r.fixture)).toEqual(
      (await listTrainingFixtureFiles(repoFixturesDir())).map(fixtureName).filter((n) => !n.startsWith('train_tv_')),
    );
    expect(report.training.length).toBeGreaterThanOrEqual(4);
    expect(report.training.filter((r) => !r.pass)).toEqual([]);
    expect(report.backends).toEqual([{ name: 'reference', available: true, reason: null }]);
    expect(lines.some((l) => l.startsWith(`[${files.length}/${files.length}]`))).toBe(true);
  });

  it('reports a bad file and an unavailable backend as failed rows, without stopping', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lossgraph-validate-'));
    const good = (await listFixtureFiles(repoFixturesDir())).find((f) => f.includes('tiny_boxes'))!;
    copyFileSync(good, join(dir, 'good.safetensors'));
    writeFileSync(join(dir, 'garbage.safetensors'), 'not a safetensors file');
    const missing: BenchBackend = {
      name: 'missing-runtime',
      probe: async () => ({ available: false, reason: 'runtime not installed' }),
      compile: async () => {
        throw new Error('unreachable');
      },
    };
    const report = await validate(dir, [referenceBackend, missing], () => {});
    const row = (f: string, b: string) => report.results.find((r) => r.fixture === f && r.backend === b)!;
    expect(row('good', 'reference').pass).toBe(true);
    expect(row('garbage', 'reference')).toMatchObject({ pass: false, loss: null, diff: {} });
    expect(row('good', 'missing-runtime')).toMatchObject({
      loss: 'multibox',
      profile: 'seed',
      diff: { loss_l: null, grad_conf: null },
    });
    expect(row('garbage', 'reference').error).toMatch(/garbage/);
    expect(row('good', 'missing-runtime')).toMatchObject({
      pass: false,
      error: 'backend unavailable: runtime not installed',
    });
    expect(report.backends[1]).toEqual({ name: 'missing-runtime', available: false, reason: 'runtime not installed' });
  });

  it('CLI: writes the JSON report and exits 1 when a row fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lossgraph-validate-cli-'));
    copyFileSync(join(repoFixturesDir(), 'crowded_shared_prior.safetensors'), join(dir, 'a.safetensors'));
    const ok = bench(['validate', '--fixtures', dir, '--backends', 'reference', '--json', join(dir, 'ok.json')]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/1 passed, 0 failed/);
    const json = JSON.parse(readFileSync(join(dir, 'ok.json'), 'utf8'));
    expect(Object.keys(json)).toEqual(['results', 'training', 'backends']);
    expect(Object.keys(json.results[0])).toEqual([
      'fixture',
      'loss',
      'profile',
      'backend',
      'pass',
      'error',
      'diff',
      'diag',
    ]);
    // a copy without its diagnostics/ companion file: nothing to compare, and the table says so
    expect(json.results[0]).toMatchObject({ loss: 'multibox', profile: 'seed', diag: null });
    expect(ok.stdout).toMatch(/^a +seed +reference +pass( +\S+){4} +— +—$/m);
    expect(Object.keys(json.results[0].diff)).toEqual(['loss_l', 'loss_c', 'grad_loc', 'grad_conf']);

    writeFileSync(join(dir, 'b.safetensors'), new Uint8Array(16));
    const bad = bench(['validate', '--fixtures', dir, '--backends', 'reference']);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/1 passed, 1 failed/);
    expect(bad.stderr).toMatch(/\[2\/2\] b × reference: FAIL/);
  });

  it('checks the diagnostics against the companion file: a flipped mask element fails the row, naming the output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lossgraph-validate-diag-'));
    mkdirSync(join(dir, 'diagnostics'));
    const source = join(repoFixturesDir(), 'tiny_boxes_forced.safetensors');
    for (const name of ['intact', 'flipped']) copyFileSync(source, join(dir, `${name}.safetensors`));
    copyFileSync(diagnosticsPath(source), diagnosticsPath(join(dir, 'intact.safetensors')));
    const f = parseSafetensors(readFileSync(diagnosticsPath(source)));
    const tensors = Object.fromEntries(f.tensors);
    const positive = tensors.positive!.data as BigInt64Array;
    positive[5] = 1n - (positive[5] ?? 0n);
    writeFileSync(diagnosticsPath(join(dir, 'flipped.safetensors')), writeSafetensors(tensors, f.metadata));

    const report = await validate(dir, [referenceBackend], () => {});
    const row = (name: string) => report.results.find((r) => r.fixture === name)!;
    expect(row('intact')).toMatchObject({ pass: true, error: null, diag: { pass: true, mismatches: { positive: 0 } } });
    expect(row('intact').diag?.worst).toBeLessThan(1e-4);
    expect(row('flipped')).toMatchObject({
      pass: false,
      diag: { pass: false, mismatches: { positive: 1, smooth_l1: 0 } },
    });
    expect(row('flipped').error).toMatch(/^diagnostic positive: 1 of 192 elements differ \(first at flat index 5/);
    // the loss outputs themselves still agree: only the diagnostics fail the row
    expect(Object.values(row('flipped').diff).every((d) => d !== null && d < 1e-4)).toBe(true);
    rmSync(dir, { recursive: true });
  });

  it('CLI: validates a folder mixing losses, one table per loss', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lossgraph-validate-mixed-'));
    for (const name of ['tiny_boxes_forced', 'tv_ssd_negatives_run_out', 'retinanet_low_quality_ties']) {
      copyFileSync(join(repoFixturesDir(), `${name}.safetensors`), join(dir, `${name}.safetensors`));
    }
    const r = bench(['validate', '--fixtures', dir, '--backends', 'reference', '--json', join(dir, 'mixed.json')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^multibox:\nfixture +profile +backend +result +loss_l +loss_c +grad_loc +grad_conf/m);
    expect(r.stdout).toMatch(
      /^retinanet:\nfixture +backend +result +loss_cls +loss_box +grad_cls_logits +grad_bbox_regression/m,
    );
    expect(r.stdout).toMatch(/tv_ssd_negatives_run_out +torchvision +reference +pass/);
    const json = JSON.parse(readFileSync(join(dir, 'mixed.json'), 'utf8'));
    expect(json.results.map((x: { loss: string; profile: string | null }) => [x.loss, x.profile])).toEqual([
      ['retinanet', null],
      ['multibox', 'seed'],
      ['multibox', 'torchvision'],
    ]);
  });

  it('CLI: unknown backend is a usage error listing the known ones', () => {
    const r = bench(['validate', '--backends', 'nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown backend 'nope' \(known: reference/);
  });
});

describe('bench validate default selection', () => {
  it('runs only the available backends and lists the others with their reason', async () => {
    const missing: BenchBackend = {
      name: 'missing-runtime',
      probe: async () => ({ available: false, reason: 'no GPU here' }),
      compile: async () => {
        throw new Error('unreachable');
      },
    };
    const dir = mkdtempSync(join(tmpdir(), 'lossgraph-validate-default-'));
    copyFileSync(join(repoFixturesDir(), 'tiny_boxes_forced.safetensors'), join(dir, 't.safetensors'));
    const report = await validate(dir, [referenceBackend, missing], () => {}, { skipUnavailable: true });
    expect(report.results.map((r) => r.backend)).toEqual(['reference']);
    expect(report.backends).toContainEqual({ name: 'missing-runtime', available: false, reason: 'no GPU here' });
  });
});
