import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { allBackends } from '@lossgraph-tools/testing';
import { afterAll, describe, expect, it } from 'vitest';
import type { ValidateReport } from '../src/validate/types.js';
import { writeCorruptedFixtures } from './support/corrupt-fixtures.js';

const root = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'lossgraph-corrupted-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench validate on a folder of corrupted fixtures', () => {
  it('reports every file as a failed row naming the offending tensor, on every backend, exit code 1, no crash', () => {
    const written = writeCorruptedFixtures(join(dir, 'fixtures'));
    const names = allBackends().map((b) => b.name);
    const json = join(dir, 'report.json');
    const cli = spawnSync(
      'npx',
      [
        'tsx',
        '--conditions=source',
        'apps/bench/src/cli.ts',
        'validate',
        '--fixtures',
        join(dir, 'fixtures'),
        '--backends',
        names.join(','),
        '--json',
        json,
      ],
      { cwd: root, encoding: 'utf8', timeout: 110_000 },
    );
    expect(cli.error, 'the CLI did not finish').toBeUndefined();
    expect(cli.status, `exit code (1 = some row failed; 2 = usage error or crash)\n${cli.stderr.slice(-3000)}`).toBe(1);
    expect(cli.stderr).not.toMatch(/^\s+at /m); // no stack trace: nothing escaped the per-row error handling

    const report = JSON.parse(readFileSync(json, 'utf8')) as ValidateReport;
    expect(report.results).toHaveLength(written.length * names.length);
    const available = report.backends.filter((b) => b.available).map((b) => b.name);
    for (const b of report.backends.filter((x) => !x.available)) console.log(`backend ${b.name} skipped: ${b.reason}`);
    expect(available).toContain('reference');

    const checked: string[] = [];
    for (const { path, corruption } of written) {
      const fixture = path
        .split('/')
        .pop()!
        .replace(/\.safetensors$/, '');
      for (const backend of available) {
        const row = report.results.find((r) => r.fixture === fixture && r.backend === backend);
        const where = `${fixture} × ${backend}`;
        expect.soft(row, where).toBeDefined();
        if (row === undefined) continue;
        expect.soft(row.pass, where).toBe(false);
        expect.soft(row.error, where).toContain(`'${corruption.tensor}'`);
        expect.soft(row.error ?? '', where).toMatch(corruption.says);
        // no numbers: every compared output null (none at all when the file could not be read)
        expect
          .soft(
            Object.values(row.diff).every((v) => v === null),
            where,
          )
          .toBe(true);
        if (row.loss !== null)
          expect.soft(Object.keys(row.diff), where).toEqual(['loss_l', 'loss_c', 'grad_loc', 'grad_conf']);
        checked.push(where);
      }
    }
    console.log(
      `corrupted fixtures: ${written.length} files × ${available.length} available backends (${available.join(', ')}) all failed, naming the tensor`,
    );
    expect(checked.length).toBe(written.length * available.length);
  }, 120_000);
});
