/** The machine a benchmark ran on, for reports: CPU, memory, OS, Node and runtime versions. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './servers.js';

/** Runtimes whose versions a report names (resolved from the bench and the backend packages). */
export const RUNTIME_PACKAGES = [
  'onnxruntime-node',
  'onnxruntime-web',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgl',
  '@tensorflow/tfjs-backend-webgpu',
  'playwright-core',
] as const;

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memory_gb: number;
  readonly os: string;
  readonly node: string;
  /** package name -> installed version, or null when not installed */
  readonly runtimes: Record<string, string | null>;
  /**
   * The load average (1, 5, 15 minutes) when this was recorded (at the end of a perf run: how quiet the
   * machine was while it timed); absent in older files
   */
  readonly load_average?: readonly number[];
  /** GLIBC_TUNABLES of the process, if set (malloc thresholds change the page faults of fresh outputs) */
  readonly glibc_tunables?: string;
}

/** Folders whose node_modules may hold a runtime: the bench app, the backends' tools/testing and every package. */
function searchFolders(): string[] {
  const root = repoRoot();
  const folders = [join(root, 'apps', 'bench'), join(root, 'tools', 'testing')];
  const packages = join(root, 'packages');
  if (existsSync(packages)) for (const name of readdirSync(packages)) folders.push(join(packages, name));
  return folders;
}

/** The installed version of `name`, read from its package.json (not through its exports map). */
export function installedVersion(name: string, folders: readonly string[] = searchFolders()): string | null {
  for (const folder of folders) {
    const paths = createRequire(join(folder, 'package.json')).resolve.paths(name) ?? [];
    for (const dir of paths) {
      const manifest = join(dir, name, 'package.json');
      if (existsSync(manifest))
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version ?? null;
    }
  }
  return null;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const folders = searchFolders();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    runtimes: Object.fromEntries(RUNTIME_PACKAGES.map((name) => [name, installedVersion(name, folders)])),
    load_average: os.loadavg().map((x) => Math.round(x * 100) / 100),
    ...(process.env.GLIBC_TUNABLES ? { glibc_tunables: process.env.GLIBC_TUNABLES } : {}),
  };
}
