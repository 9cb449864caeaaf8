/** The gap before each call in the training-loop timing (protocol.ts, Gap). */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Gap } from './protocol.js';

/** 32 MiB: larger than the last-level cache of the machines seen, so a busy gap leaves the caches cold. */
const SCRATCH_FLOATS = 8 << 20;
let scratch: Float32Array | undefined;

/** Keeps this thread working for `ms`: passes over the scratch buffer, as a model step streams its activations. */
function busyFor(ms: number): void {
  scratch ??= new Float32Array(SCRATCH_FLOATS).fill(1);
  const end = performance.now() + ms;
  const chunk = 1 << 16;
  let offset = 0;
  while (performance.now() < end) {
    const stop = Math.min(offset + chunk, scratch.length);
    for (let i = offset; i < stop; i++) scratch[i] = scratch[i]! * 0.999 + 0.001;
    offset = stop === scratch.length ? 0 : stop;
  }
}

/** Waits out one gap: sleeps (idle) or works (busy). */
export async function waitGap(gap: Gap | undefined): Promise<void> {
  if (gap === undefined || gap.ms <= 0) return;
  if (gap.kind === 'idle') await sleep(gap.ms);
  else busyFor(gap.ms);
}

/** e.g. "back to back", "idle 20 ms before each call" */
export function gapText(gap: Gap | undefined | null): string {
  return gap == null || gap.ms <= 0 ? 'back to back' : `${gap.kind} ${gap.ms} ms before each call`;
}
