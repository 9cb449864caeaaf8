import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { type CompiledLoss, type Fixture, fixtureOutputs, lossEntry } from '@lossgraph/core';
import {
  compareWithFixture,
  diagnosticsPath,
  type ExpectedDiagnostic,
  fixtureName,
  fixtureProgram,
  fixtureProgramKey,
  listFixtureFiles,
  loadDiagnostics,
  loadFixture,
  repoFixturesDir,
} from '@lossgraph/core/testing';
import type { BenchBackend } from '@lossgraph-tools/testing';
import { parseFlags, parseList, UsageError } from '../args.js';
import { selectBackends } from '../select-backends.js';
import { checkDiagnostics, diagnosticsNotRun } from '../validate/diagnostics.js';
import { formatValidateTable } from '../validate/table.js';
import { formatTrainingTable, trainingFixtureFiles, validateTraining } from '../validate/training.js';
import type { ValidateReport, ValidateRow } from '../validate/types.js';

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The row's loss fields, and a diff of nulls for every compared output of the loss (a run that gave no numbers). */
function describe(fx: Fixture | undefined): Pick<ValidateRow, 'loss' | 'profile' | 'diff'> {
  if (fx === undefined) return { loss: null, profile: null, diff: {} };
  const { losses, gradients } = fixtureOutputs(fx.loss);
  return {
    loss: fx.loss,
    profile: lossEntry(fx.loss).fixture.profile?.(fx.options) ?? null,
    diff: Object.fromEntries([...losses, ...gradients].map((n) => [n, null])),
  };
}

/**
 * Runs one fixture on one backend, reusing a compiled loss per (backend, loss and options). The fixture program
 * outputs the diagnostics too, so the same run is checked against the companion file `expected` when there is one.
 */
async function checkOne(
  backend: BenchBackend,
  fx: Fixture,
  expected: ReadonlyMap<string, ExpectedDiagnostic> | undefined,
  cache: Map<string, CompiledLoss>,
): Promise<ValidateRow> {
  const key = `${backend.name}|${fixtureProgramKey(fx)}`;
  const { loss, profile, diff: noDiff } = describe(fx);
  const noDiag = expected === undefined ? null : diagnosticsNotRun;
  try {
    let compiled = cache.get(key);
    if (compiled === undefined) {
      compiled = await backend.compile(fixtureProgram(fx));
      cache.set(key, compiled);
    }
    const out = await compiled.run(fx.inputs);
    const cmp = compareWithFixture(out, fx);
    const diff = Object.fromEntries(Object.entries(cmp.diff).map(([n, d]) => [n, finiteOrNull(d)]));
    const diag = expected === undefined ? undefined : checkDiagnostics(out, expected);
    const failures = [...cmp.failures, ...(diag?.failures ?? [])];
    const pass = cmp.pass && (diag?.diag.pass ?? true);
    return {
      fixture: fx.name,
      loss,
      profile,
      backend: backend.name,
      pass,
      error: pass ? null : failures.join('; '),
      diff,
      diag: diag?.diag ?? null,
    };
  } catch (err) {
    const error = message(err);
    return { fixture: fx.name, loss, profile, backend: backend.name, pass: false, error, diff: noDiff, diag: noDiag };
  }
}

/**
 * Every fixture × backend: pass/fail and the worst error per output, plus the diagnostics where the fixture has
 * a companion file (`diagnostics/<name>.safetensors` beside it), each fixture checked with the
 * program of the loss and options its metadata names (a folder may mix losses). One bad file or backend never stops
 * the run. A backend that cannot run here gives failed rows with the reason, unless `skipUnavailable`
 * (the default selection, "every available backend"): then it is only listed under `backends`.
 */
export async function validate(
  fixturesDir: string,
  backends: readonly BenchBackend[],
  log: (line: string) => void,
  { skipUnavailable = false }: { skipUnavailable?: boolean } = {},
): Promise<ValidateReport> {
  const files = await listFixtureFiles(fixturesDir);
  const trainingFiles = await trainingFixtureFiles(fixturesDir);
  if (files.length + trainingFiles.length === 0) throw new UsageError(`no .safetensors fixtures in ${fixturesDir}`);
  const availability = await Promise.all(
    backends.map(async (b) => ({
      b,
      a: await b.probe().catch((e: unknown) => ({ available: false as const, reason: message(e) })),
    })),
  );
  const report: ValidateReport = {
    results: [],
    training: [],
    backends: availability.map(({ b, a }) => ({
      name: b.name,
      available: a.available,
      reason: a.available ? null : a.reason,
    })),
  };
  for (const { b, a } of availability)
    log(`backend ${b.name}: ${a.available ? 'available' : `unavailable (${a.reason})`}`);
  const runOn = skipUnavailable ? availability.filter(({ a }) => a.available) : availability;
  const caches = new Map<string, Map<string, CompiledLoss>>(backends.map((b) => [b.name, new Map()]));
  const total = files.length * runOn.length;
  let done = 0;
  try {
    for (const file of files) {
      let fx: Fixture | undefined;
      let expected: ReadonlyMap<string, ExpectedDiagnostic> | undefined;
      let loadError: string | undefined;
      try {
        fx = await loadFixture(file);
        expected = await loadDiagnostics(file);
      } catch (err) {
        loadError = message(err);
      }
      for (const { b, a } of runOn) {
        const t0 = performance.now();
        let row: ValidateRow;
        const failed = (error: string): ValidateRow => {
          const { loss, profile, diff } = describe(fx);
          const diag = existsSync(diagnosticsPath(file)) ? diagnosticsNotRun : null;
          return { fixture: fixtureName(file), loss, profile, backend: b.name, pass: false, error, diff, diag };
        };
        if (!a.available) row = failed(`backend unavailable: ${a.reason}`);
        else if (fx === undefined || loadError !== undefined) row = failed(loadError!);
        else row = await checkOne(b, fx, expected, caches.get(b.name)!);
        report.results.push(row);
        done++;
        const secs = ((performance.now() - t0) / 1000).toFixed(2);
        log(
          `[${done}/${total}] ${row.fixture} × ${row.backend}: ${row.pass ? 'pass' : 'FAIL'} (${secs} s)${row.error ? ` — ${row.error}` : ''}`,
        );
      }
    }
    report.training = await validateTraining(trainingFiles, runOn, log);
  } finally {
    for (const cache of caches.values()) for (const c of cache.values()) await c.dispose().catch(() => {});
    for (const b of backends) await b.close?.().catch(() => {});
  }
  return report;
}

/** `bench validate [--fixtures DIR] [--backends LIST] [--json FILE]`: exit 0 only when every row passed. */
export async function runValidate(args: string[]): Promise<number> {
  let flags: Record<string, string>;
  let backends: BenchBackend[];
  try {
    flags = parseFlags(args, ['fixtures', 'backends', 'json']);
    backends = selectBackends(parseList(flags.backends));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`bench validate: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const dir = flags.fixtures ?? repoFixturesDir();
  if (!existsSync(dir)) {
    process.stderr.write(`bench validate: fixtures folder ${dir} does not exist\n`);
    return 2;
  }
  const report = await validate(dir, backends, (line) => process.stderr.write(`${line}\n`), {
    skipUnavailable: flags.backends === undefined,
  });
  process.stdout.write(formatValidateTable(report));
  if (report.training.length) process.stdout.write(`\n${formatTrainingTable(report.training).join('\n')}\n`);
  if (flags.json !== undefined) await writeFile(flags.json, `${JSON.stringify(report, null, 2)}\n`);
  const rows = [...report.results, ...report.training];
  const passed = rows.filter((r) => r.pass).length;
  process.stdout.write(`\n${passed} passed, ${rows.length - passed} failed\n`);
  return rows.length > 0 && passed === rows.length ? 0 : 1;
}
