import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { train } from '../src/train.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli.ts');
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('examples/node-train', () => {
  it('trains: over 12 Adam steps through apply() the loss falls well below where it started', async () => {
    const history = await train({ steps: 12 });
    const totals = history.map((s) => s.total);
    expect(totals).toHaveLength(12);
    expect(totals.every(Number.isFinite)).toBe(true);
    for (const s of history) expect(s.total).toBeCloseTo(s.loss_l + s.loss_c, 5);
    expect(mean(totals.slice(-3))).toBeLessThan(0.8 * mean(totals.slice(0, 3)));
  });

  it('the CLI runs with its progress bar and reports the loss; a bad flag is a usage error (exit 2)', async () => {
    const run = promisify(execFile);
    const { stdout, stderr } = await run(process.execPath, [
      '--conditions=source',
      '--import',
      'tsx',
      CLI,
      '--steps',
      '2',
    ]);
    expect(stdout).toMatch(/loss \d+\.\d+ -> \d+\.\d+ in 2 steps/);
    expect(stderr).toMatch(/step 2\/2 .* loss \d+\.\d+ .* steps\/s/);
    await expect(
      run(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, '--steps', '0']),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--steps must be a positive integer') });
  });
});
