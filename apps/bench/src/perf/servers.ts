/** Starting the timing servers: one worker process per bench backend, and the PyTorch original. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_PERF_LOSS, originalTimer, type PerfLoss } from './problems.js';
import { TimingServer } from './timing-server.js';

export const PYTHON = '/usr/bin/python3';

/** The repository root (the folder holding pnpm-workspace.yaml), found upwards from this file. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 10; i++) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new Error(`lossgraph repository root not found above ${fileURLToPath(import.meta.url)}`);
}

/**
 * A child process running perf/worker (`loss`) or perf/train/worker (`train`) for `backend`. Sources run
 * through tsx, as the CLI itself does.
 */
export function startWorker(backend: string, kind: 'loss' | 'train' = 'loss'): TimingServer {
  const file = kind === 'train' ? './train/worker' : './worker';
  const workerUrl = new URL(`${file}${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  const loader = import.meta.url.endsWith('.ts')
    ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href]
    : [];
  return new TimingServer({
    name: backend,
    command: process.execPath,
    args: ['--conditions=source', ...loader, fileURLToPath(workerUrl)],
    replies: 'fd3',
  });
}

export type TorchProbe =
  | { readonly available: true; readonly version: string; readonly threads: number }
  | { readonly available: false; readonly reason: string };

/** Whether /usr/bin/python3 can import torch and `loss`'s other modules (and how many threads torch would use). */
export function probeTorch(threads?: number, loss: PerfLoss = DEFAULT_PERF_LOSS): TorchProbe {
  const timer = originalTimer(loss);
  if (timer === null) return { available: false, reason: `no PyTorch timer is written for ${loss}` };
  return probeTorchModules(threads, timer.modules);
}

/** Whether /usr/bin/python3 can import torch and `modules` (and how many threads torch would use). */
export function probeTorchModules(threads: number | undefined, modules: readonly string[]): TorchProbe {
  if (!existsSync(PYTHON)) return { available: false, reason: `${PYTHON} not found` };
  const setThreads = threads ? `torch.set_num_threads(${threads}); ` : '';
  const imports = [...new Set(['torch', ...modules])].join(', ');
  const probe = spawnSync(
    PYTHON,
    ['-c', `import json, ${imports}; ${setThreads}print(json.dumps([torch.__version__, torch.get_num_threads()]))`],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (probe.status !== 0) {
    const why = (probe.stderr || probe.error?.message || `exit code ${probe.status}`).trim().split('\n').pop();
    return { available: false, reason: `${PYTHON} cannot import ${imports}: ${why}` };
  }
  const [version, count] = JSON.parse(probe.stdout.trim()) as [string, number];
  return { available: true, version, threads: count };
}

/**
 * The PyTorch counterpart behind the same protocol: the script its registry entry names (`perf.original`),
 * run as `script ...args --serve [--threads N]`.
 */
export function startPytorch(threads?: number, loss: PerfLoss = DEFAULT_PERF_LOSS): TimingServer {
  const timer = originalTimer(loss);
  if (timer === null) throw new Error(`no PyTorch timer is written for ${loss}`);
  return new TimingServer({
    name: 'pytorch',
    command: PYTHON,
    args: [timer.script, ...timer.args, '--serve', ...(threads ? ['--threads', String(threads)] : [])],
    cwd: repoRoot(),
    replies: 'stdout',
  });
}
