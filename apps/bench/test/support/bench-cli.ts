/** Runs the bench CLI as users do (`pnpm bench ...` = tsx with the source condition), from any folder. */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const repoRoot = resolve(import.meta.dirname, '../../../..');
const cli = resolve(repoRoot, 'apps/bench/src/cli.ts');
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Asynchronous, so that a test's other work (a browser) is not blocked while the CLI runs. */
export function runBench(args: readonly string[], cwd = repoRoot): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', tsx, cli, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
