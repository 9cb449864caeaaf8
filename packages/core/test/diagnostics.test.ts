import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureAdapter } from '../src/conformance/index.js';
import {
  compileReference,
  type Fixture,
  LossGraphError,
  lossEntry,
  MULTIBOX_DIAGNOSTICS,
  parseSafetensors,
  RETINANET_DIAGNOSTICS,
  writeSafetensors,
  YOLOV8_DIAGNOSTICS,
} from '../src/index.js';
import {
  compareDiagnostics,
  diagnosticsPath,
  fixtureProgram,
  listFixtureFiles,
  loadDiagnostics,
  loadFixture,
  repoFixturesDir,
} from '../src/testing/index.js';

// every fixture's diagnostics are compared with its companion file by the conformance suite of every
// backend, the reference interpreter included (test/conformance.test.ts), in the run that checks its losses

const files = await listFixtureFiles(repoFixturesDir());
const NAMES = { multibox: MULTIBOX_DIAGNOSTICS, retinanet: RETINANET_DIAGNOSTICS, yolov8: YOLOV8_DIAGNOSTICS };

/** The documented shape of each diagnostic of a fixture, from its inputs' shapes. */
function documentedShapes(fx: Fixture): Record<string, readonly number[]> {
  const [B = 0, M = 0] = fx.inputs.targets.shape;
  if (fx.loss === 'multibox') {
    const [, P = 0] = fx.inputs.conf_data.shape;
    return Object.fromEntries(MULTIBOX_DIAGNOSTICS.map((n) => [n, [B, P]]));
  }
  if (fx.loss === 'retinanet') {
    const [, A = 0] = fx.inputs.cls_logits.shape;
    return Object.fromEntries(RETINANET_DIAGNOSTICS.map((n) => [n, [B, A]]));
  }
  const [, A = 0, C = 0] = fx.inputs.pred_scores.shape;
  return {
    candidates: [B, M, A],
    align_metric: [B, M, A],
    fg_mask: [B, A],
    target_gt_idx: [B, A],
    target_scores: [B, A, C],
  };
}

describe('diagnostics companion files (fixtures/diagnostics, docs/FIXTURES.md)', () => {
  it('every loss fixture has one, with the documented names and shapes', async () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    for (const file of files) {
      const fx = await loadFixture(file);
      const expected = await loadDiagnostics(file);
      expect(expected, `${basename(file)} has no companion file`).toBeDefined();
      const shapes = Object.fromEntries([...(expected ?? [])].map(([n, d]) => [n, d.shape]));
      expect(shapes, basename(file)).toEqual(documentedShapes(fx));
    }
  });

  // one small fixture per loss and profile, without gradients: the diagnostics do not depend on them
  for (const name of [
    'crowded_shared_prior',
    'tv_ssd_negatives_run_out',
    'retinanet_low_quality_ties',
    'yolov8_shared_anchors',
  ]) {
    it(`${name}: the reference interpreter's diagnostics equal the file's (no gradients)`, async () => {
      const file = join(repoFixturesDir(), `${name}.safetensors`);
      const fx = await loadFixture(file);
      const expected = await loadDiagnostics(file);
      const out = await compileReference(fixtureProgram(fx, { gradients: false })).run(fx.inputs);
      const cmp = compareDiagnostics(out, expected ?? new Map());
      expect(cmp.failures).toEqual([]);
      expect(Object.keys(cmp.mismatches).sort()).toEqual([...NAMES[fx.loss]].sort());
    });
  }

  it('the conformance comparison fails on a flipped mask element and on a float off by 1e-3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lossgraph-diag-'));
    mkdirSync(join(dir, 'diagnostics'));
    const source = join(repoFixturesDir(), 'tv_ssd_random.safetensors');
    const copy = join(dir, 'tv_ssd_random.safetensors');
    copyFileSync(source, copy);
    const f = parseSafetensors(readFileSync(diagnosticsPath(source)));
    const tensors = Object.fromEntries(f.tensors);
    const hard = tensors.hard_negative!.data as BigInt64Array;
    hard[7] = 1n - (hard[7] ?? 0n);
    const ce = tensors.cross_entropy!.data as Float32Array;
    ce[3] = (ce[3] ?? 0) + 1e-3;
    writeFileSync(diagnosticsPath(copy), writeSafetensors(tensors, f.metadata));
    const fx = await fixtureAdapter.load(copy);
    const out = await compileReference(fx.program).run(fx.inputs);
    const failures = fx.compare(out).failures.join('\n');
    expect(failures).toMatch(/diagnostic hard_negative: 1 of 320 elements differ \(first at flat index 7/);
    expect(failures).toMatch(/diagnostic cross_entropy: 1 of 320 elements differ \(first at flat index 3/);
    expect(failures).not.toMatch(/loss_c|mining_score|matched_truth/);
    rmSync(dir, { recursive: true });
  });

  it('a missing diagnostic output fails the comparison', async () => {
    const file = join(repoFixturesDir(), 'yolov8_random.safetensors');
    const fx = await loadFixture(file);
    // the program without `diagnostics`
    const out = await compileReference(lossEntry('yolov8').program({ ...fx.options, gradients: false })).run(fx.inputs);
    const cmp = compareDiagnostics(out, (await loadDiagnostics(file)) ?? new Map());
    expect(cmp.failures).toContain('diagnostic align_metric: missing from the outputs');
  });
});

describe('the diagnostics option', () => {
  const outputNames = (graph: { outputs: readonly { name: string }[] }) => graph.outputs.map((o) => o.name);
  it('adds exactly the documented outputs, once each, and none by default', () => {
    const cases = [
      ['multibox', MULTIBOX_DIAGNOSTICS, []],
      ['retinanet', RETINANET_DIAGNOSTICS, ['matched_idxs']],
      ['yolov8', YOLOV8_DIAGNOSTICS, ['fg_mask', 'target_gt_idx']],
    ] as const;
    for (const [loss, names, outputs] of cases) {
      const { program } = lossEntry(loss);
      const plain = outputNames(program({ gradients: false, outputs }).graph);
      const withDiagnostics = outputNames(program({ gradients: false, outputs, diagnostics: true }).graph);
      expect(new Set(withDiagnostics).size).toBe(withDiagnostics.length);
      expect(withDiagnostics.filter((n) => !plain.includes(n)).sort()).toEqual(
        names.filter((n) => !plain.includes(n)).sort(),
      );
      expect(names.every((n) => withDiagnostics.includes(n))).toBe(true);
      // without the option, only the diagnostics also requested through `outputs`
      expect(plain.filter((n) => (names as readonly string[]).includes(n))).toEqual([...outputs]);
    }
  });
  it('rejects a non-boolean with INVALID_OPTION naming it', () => {
    for (const loss of ['multibox', 'retinanet', 'yolov8'] as const) {
      let err: unknown;
      try {
        lossEntry(loss).program({ diagnostics: 'yes' });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(LossGraphError);
      expect((err as LossGraphError).code).toBe('INVALID_OPTION');
      expect((err as LossGraphError).message).toMatch(/diagnostics/);
    }
  });
});
