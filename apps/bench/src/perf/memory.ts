/**
 * Peak memory of a timing server (a child process) and everything it starts (a browser, say), measured
 * from outside it through Linux /proc, so that it works however busy the server's own event loop is.
 *
 * peak = the server's own RSS high-water mark over the measured span (kernel VmHWM, reset at the start
 * through /proc/PID/clear_refs) + the highest sampled RSS sum of its descendant processes (sampled every
 * SAMPLE_MS; zero for servers without child processes). Shared pages of several descendants count once
 * per process, so for a multi-process browser this is an upper bound.
 */
import { accessSync, constants, readdirSync, readFileSync, writeFileSync } from 'node:fs';

const SAMPLE_MS = 50;
/** the process tree is re-read this often (listing threads' children costs more than reading a status) */
const TREE_REFRESH_MS = 1000;

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // the process ended between listing and reading
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // ended, or no permission: no children known
  }
  return out;
}

function descendantsOf(pid: number): number[] {
  const all: number[] = [];
  const queue = childrenOf(pid);
  while (queue.length > 0) {
    const next = queue.shift()!;
    all.push(next);
    queue.push(...childrenOf(next));
  }
  return all;
}

/** Whether this machine offers what the measurement needs (Linux /proc with a writable clear_refs). */
export function procMemorySupported(pid: number = process.pid): boolean {
  try {
    readFileSync(`/proc/${pid}/status`, 'utf8');
    readdirSync(`/proc/${pid}/task`);
    accessSync(`/proc/${pid}/clear_refs`, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The current RSS of a process and its descendants in MiB; null where /proc is absent. */
export function currentRssMb(pid: number): number | null {
  if (!procMemorySupported(pid)) return null;
  return [pid, ...descendantsOf(pid)].reduce((sum, p) => sum + statusKb(p, 'VmRSS'), 0) / 1024;
}

export interface MemorySpan {
  /** ends the span; the peak in MiB */
  stop(): number;
}

/** Starts measuring the peak memory of process `pid` and its descendants; null where /proc is absent. */
export function measurePeakMemory(pid: number): MemorySpan | null {
  if (!procMemorySupported(pid)) return null;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5'); // "5" resets VmHWM to the current RSS
  } catch {
    return null; // without the reset, VmHWM would include earlier spans
  }
  let descendants = descendantsOf(pid);
  let refreshedAt = Date.now();
  let peakDescendantsKb = 0;
  const sample = () => {
    if (Date.now() - refreshedAt >= TREE_REFRESH_MS) {
      descendants = descendantsOf(pid);
      refreshedAt = Date.now();
    }
    const kb = descendants.reduce((sum, p) => sum + statusKb(p, 'VmRSS'), 0);
    peakDescendantsKb = Math.max(peakDescendantsKb, kb);
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return (statusKb(pid, 'VmHWM') + peakDescendantsKb) / 1024;
    },
  };
}
