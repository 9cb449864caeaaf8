import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Outputs } from '../backend/contract.js';
import { fail } from '../errors.js';
import { parseSafetensors } from '../io/safetensors.js';
import { TOLERANCE } from './tolerance.js';

/** One expected diagnostic of a companion file (docs/FIXTURES.md, "Diagnostics"). */
export interface ExpectedDiagnostic {
  readonly shape: readonly number[];
  /** integer diagnostics (stored I64) compare exactly; float ones (F32) under the loss-term tolerance */
  readonly kind: 'integer' | 'float';
  readonly data: Int32Array | Float32Array;
}

/** The companion file of the fixture at `fixturePath`: `diagnostics/NAME.safetensors` beside it. */
export function diagnosticsPath(fixturePath: string): string {
  return join(dirname(fixturePath), 'diagnostics', basename(fixturePath));
}

/** Reads a companion file: every tensor, by name (I64 narrowed to int32, as the programs output them). */
export function readDiagnostics(bytes: Uint8Array, source: string): ReadonlyMap<string, ExpectedDiagnostic> {
  const out = new Map<string, ExpectedDiagnostic>();
  for (const [name, t] of parseSafetensors(bytes, source).tensors) {
    if (t.dtype === 'I64') {
      out.set(name, { shape: t.shape, kind: 'integer', data: Int32Array.from(t.data as BigInt64Array, Number) });
    } else if (t.dtype === 'F32') {
      out.set(name, { shape: t.shape, kind: 'float', data: t.data as Float32Array });
    } else {
      fail('INVALID_FIXTURE', `${source}: tensor '${name}': diagnostics are I64 or F32, got ${t.dtype}`, {
        file: source,
        tensor: name,
      });
    }
  }
  return out;
}

/** The companion file of a fixture, or undefined when it has none. */
export async function loadDiagnostics(
  fixturePath: string,
): Promise<ReadonlyMap<string, ExpectedDiagnostic> | undefined> {
  const path = diagnosticsPath(fixturePath);
  if (!existsSync(path)) return undefined;
  return readDiagnostics(new Uint8Array(await readFile(path)), path);
}

/**
 * Compares a run's diagnostic outputs with the expected ones: integers (masks, indices) exactly, floats
 * element by element within the loss-term tolerance |got − want| <= 1e-4 · max(1, |want|). One line per
 * failed diagnostic (a missing output or shape fails too), per name the count of differing elements, and per
 * float diagnostic its worst absolute error (NaN where a value is not finite).
 */
export function compareDiagnostics(
  out: Outputs,
  expected: ReadonlyMap<string, ExpectedDiagnostic>,
): {
  readonly failures: string[];
  readonly mismatches: Record<string, number>;
  readonly worst: Record<string, number>;
} {
  const failures: string[] = [];
  const mismatches: Record<string, number> = {};
  const worst: Record<string, number> = {};
  for (const [name, want] of expected) {
    const got = out[name];
    if (got === undefined) {
      failures.push(`diagnostic ${name}: missing from the outputs`);
      continue;
    }
    if (got.shape.join(',') !== want.shape.join(',')) {
      failures.push(`diagnostic ${name}: shape [${got.shape}], want [${want.shape}]`);
      continue;
    }
    let count = 0;
    let first = -1;
    let max = 0;
    for (const [i, w] of want.data.entries()) {
      const g = got.data[i] ?? NaN;
      if (want.kind === 'float') max = Math.max(max, Math.abs(g - w));
      const ok = want.kind === 'integer' ? g === w : Math.abs(g - w) <= TOLERANCE.LOSS_REL * Math.max(1, Math.abs(w));
      if (ok) continue;
      count++;
      if (first < 0) first = i;
    }
    mismatches[name] = count;
    if (want.kind === 'float') worst[name] = max;
    if (count > 0)
      failures.push(
        `diagnostic ${name}: ${count} of ${want.data.length} elements differ (first at flat index ${first}: ` +
          `got ${got.data[first]}, want ${want.data[first]})`,
      );
  }
  return { failures, mismatches, worst };
}
