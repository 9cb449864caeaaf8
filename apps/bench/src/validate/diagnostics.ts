import type { Outputs } from '@lossgraph/core';
import { compareDiagnostics, type ExpectedDiagnostic } from '@lossgraph/core/testing';
import type { DiagnosticsCheck } from './types.js';

/**
 * A run's diagnostic outputs against the fixture's companion file, by the conformance comparison
 * (packages/core/src/testing/diagnostics.ts): the row's `diag` field and the lines that name each failed output.
 */
export function checkDiagnostics(
  out: Outputs,
  expected: ReadonlyMap<string, ExpectedDiagnostic>,
): { readonly diag: DiagnosticsCheck; readonly failures: readonly string[] } {
  const { failures, mismatches, worst } = compareDiagnostics(out, expected);
  const errors = Object.values(worst);
  const finite = errors.every(Number.isFinite);
  return {
    diag: {
      pass: failures.length === 0,
      worst: errors.length > 0 && finite ? Math.max(...errors) : null,
      mismatches,
    },
    failures,
  };
}

/** The `diag` field of a row whose run gave no outputs, for a fixture that has a companion file. */
export const diagnosticsNotRun: DiagnosticsCheck = { pass: false, worst: null, mismatches: {} };
