/** `bench validate` on training-step fixtures: the rows, their JSON, the printed table and the report's table. */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoFixturesDir } from '@lossgraph/core/testing';
import { type BenchBackend, referenceBackend } from '@lossgraph-tools/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../src/commands/validate.js';
import type { TrainingRow } from '../src/validate/training.js';
import type { ValidateReport } from '../src/validate/types.js';
import { runBench } from './support/bench-cli.js';

/** The smallest committed training-step fixture: a VGG-BN detector, SGD, an image with no objects. */
const FIXTURE = 'train_vgg_bn_empty_image_sgd';

const dir = mkdtempSync(join(tmpdir(), 'lossgraph-validate-training-'));
copyFileSync(join(repoFixturesDir(), `${FIXTURE}.safetensors`), join(dir, `${FIXTURE}.safetensors`));
// a training-step file that is no safetensors file at all
writeFileSync(join(dir, 'train_garbage.safetensors'), 'not a safetensors file');

/** The reference backend with every step-0 gradient off by 1: its parameters and losses stay right. */
const wrongGradients: BenchBackend = {
  name: 'wrong-gradients',
  probe: async () => ({ available: true }),
  compile: async (program, options) => {
    const compiled = await referenceBackend.compile(program, options);
    return {
      ...compiled,
      run: async (feeds, outputs) => {
        const out = await compiled.run(feeds, outputs);
        for (const [name, t] of Object.entries(out))
          if (name.startsWith('grad/')) out[name] = { ...t, data: Float32Array.from(t.data, (x) => x + 1) };
        return out;
      },
      dispose: () => compiled.dispose(),
    };
  },
};
const missing: BenchBackend = {
  name: 'missing-runtime',
  probe: async () => ({ available: false, reason: 'runtime not installed' }),
  compile: async () => {
    throw new Error('unreachable');
  },
};

let report: ValidateReport;
const lines: string[] = [];
beforeAll(async () => {
  report = await validate(dir, [referenceBackend, wrongGradients, missing], (l) => lines.push(l));
}, 120_000);
const row = (fixture: string, backend: string): TrainingRow => {
  const found = report.training.find((r) => r.fixture === fixture && r.backend === backend);
  if (found === undefined) throw new Error(`no row ${fixture} × ${backend}`);
  return found;
};

describe('bench validate: training-step fixtures', () => {
  it('gives one training row per fixture × backend, apart from the loss rows', () => {
    expect(report.results).toEqual([]);
    expect(report.training.map((r) => `${r.fixture} × ${r.backend}`)).toEqual([
      'train_garbage × reference',
      'train_garbage × wrong-gradients',
      'train_garbage × missing-runtime',
      `${FIXTURE} × reference`,
      `${FIXTURE} × wrong-gradients`,
      `${FIXTURE} × missing-runtime`,
    ]);
    expect(lines.some((l) => l.startsWith(`[train 6/6] ${FIXTURE} × missing-runtime: FAIL`))).toBe(true);
  });

  it('passes on the reference backend, each quantity within its bound', () => {
    const r = row(FIXTURE, 'reference');
    expect(r).toMatchObject({ kind: 'train', loss: 'multibox', optimizer: 'sgd', steps: 3, pass: true, error: null });
    for (const q of ['loss', 'grad', 'param', 'state', 'eval'] as const) {
      expect(r.worst[q], q).not.toBeNull();
      expect(r.worst[q]!, q).toBeLessThanOrEqual(1);
    }
  });

  it('fails a backend with wrong gradients, naming the gradients and only their quantity', () => {
    const r = row(FIXTURE, 'wrong-gradients');
    expect(r.pass).toBe(false);
    expect(r.error).toMatch(/^grad\/\S+: error .* above /);
    expect(r.worst.grad!).toBeGreaterThan(1);
    for (const q of ['loss', 'param', 'state', 'eval'] as const) expect(r.worst[q]!, q).toBeLessThanOrEqual(1);
  });

  it('fails an unreadable file and an unavailable backend with the reason and no numbers', () => {
    const noNumbers = { loss: null, grad: null, param: null, state: null, eval: null };
    expect(row('train_garbage', 'reference')).toMatchObject({ pass: false, loss: null, worst: noNumbers });
    expect(row('train_garbage', 'reference').error).toMatch(/train_garbage/);
    expect(row(FIXTURE, 'missing-runtime')).toMatchObject({
      pass: false,
      error: 'backend unavailable: runtime not installed',
      worst: noNumbers,
    });
  });

  it('CLI: prints a "training steps" table, writes the rows under "training" and the report shows them', async () => {
    const one = mkdtempSync(join(tmpdir(), 'lossgraph-validate-training-cli-'));
    copyFileSync(join(dir, `${FIXTURE}.safetensors`), join(one, `${FIXTURE}.safetensors`));
    const jsonPath = join(one, 'validate.json');
    const run = await runBench(['validate', '--fixtures', one, '--backends', 'reference', '--json', jsonPath]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^training steps .*\nfixture +optimizer +backend +result +loss +grad +param +state +eval/m,
    );
    expect(run.stdout).toMatch(new RegExp(`^${FIXTURE} +sgd +reference +pass`, 'm'));
    expect(run.stdout).toMatch(/1 passed, 0 failed/);
    const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as ValidateReport;
    expect(Object.keys(json)).toEqual(['results', 'training', 'backends']);
    expect(json.training).toHaveLength(1);
    expect(Object.keys(json.training[0]!)).toEqual([
      'kind',
      'fixture',
      'loss',
      'optimizer',
      'steps',
      'backend',
      'pass',
      'error',
      'worst',
      'seconds',
    ]);

    // the report: the written row, and a failing one added by hand
    const failing: TrainingRow = {
      ...json.training[0]!,
      backend: 'wrong-gradients',
      pass: false,
      error: 'grad/features.0.weight: error 1.000e+0 above 1.000e-4',
      worst: { ...json.training[0]!.worst, grad: 12 },
    };
    writeFileSync(jsonPath, JSON.stringify({ ...json, training: [...json.training, failing] }));
    const out = join(one, 'report');
    const rep = await runBench(['report', '--validate', jsonPath, '--perf', join(one, 'no-perf.json'), '--out', out]);
    expect(rep.code, rep.stderr).toBe(0);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('## Training steps');
    expect(md).toMatch(new RegExp(`\\| ${FIXTURE} +\\| sgd +\\| reference +\\| pass `));
    expect(md).toMatch(new RegExp(`\\| ${FIXTURE} +\\| sgd +\\| wrong-gradients +\\| FAIL +\\| [^|]+\\| 12 `));
    expect(md).toContain(`${FIXTURE} × wrong-gradients: grad/features.0.weight: error 1.000e+0 above 1.000e-4`);
  }, 120_000);
});
