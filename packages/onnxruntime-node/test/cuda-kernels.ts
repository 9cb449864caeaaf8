import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OnnxOpUse } from '@lossgraph/onnx';

interface KernelRange {
  readonly from: number;
  readonly to: number | null;
  /** allowed ONNX element types per input index */
  readonly inputs?: Readonly<Record<string, readonly string[]>>;
  /** allowed type combinations of all inputs, in input order */
  readonly combos?: readonly (readonly string[])[];
}

export interface KernelTable {
  readonly onnxruntime: string;
  readonly onnxSinceVersions: Readonly<Record<string, readonly number[]>>;
  readonly kernels: Readonly<Record<string, readonly KernelRange[]>>;
}

export function loadCudaKernelTable(): KernelTable {
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'cuda-kernels-1.30.json');
  return JSON.parse(readFileSync(file, 'utf8')) as KernelTable;
}

/** ONNX element type names as onnxruntime's kernel tables spell them. */
const ONNX_TYPE = { float32: 'float', int32: 'int32', int64: 'int64', bool: 'bool', '': '' } as const;

/** The schema version a node of `opType` gets in a model of `opset`: the latest change at or below it. */
export function sinceVersion(table: KernelTable, opType: string, opset: number): number | undefined {
  const versions = table.onnxSinceVersions[opType];
  return versions?.filter((v) => v <= opset).at(-1);
}

/**
 * Why no kernel of the table serves this use, or undefined when one does. Version matching follows
 * onnxruntime's kernel registry: an open range starting at s serves since-version s only; a closed range
 * [s, e] serves s..e.
 */
export function kernelGap(table: KernelTable, use: OnnxOpUse): string | undefined {
  const what = `${use.opType}(${use.inputTypes.join(', ')}) at opset ${use.opset}`;
  if (use.domain !== '') return `${what}: domain '${use.domain}' is not in the table`;
  const since = sinceVersion(table, use.opType, use.opset);
  if (since === undefined) return `${what}: no ONNX since-version known for ${use.opType}`;
  const ranges = (table.kernels[use.opType] ?? []).filter(
    (r) => r.from === since || (r.to !== null && r.from <= since && since <= r.to),
  );
  if (ranges.length === 0) return `${what}: no CUDA kernel registered for since-version ${since}`;
  const types = use.inputTypes.map((t) => ONNX_TYPE[t]);
  const fits = (r: KernelRange) =>
    r.combos !== undefined
      ? r.combos.some((c) => c.every((t, i) => t === types[i]))
      : Object.entries(r.inputs ?? {}).every(
          ([i, allowed]) =>
            types[Number(i)] === undefined || types[Number(i)] === '' || allowed.includes(types[Number(i)]!),
        );
  return ranges.some(fits)
    ? undefined
    : `${what}: the CUDA kernel for since-version ${since} takes no such input types`;
}
