import type { OnnxOpUse } from './ops-used.js';

/** The kernels one execution provider registers for an op type: a range of ONNX schema versions and types. */
export interface KernelRange {
  readonly from: number;
  /** null: an open range ("13+") */
  readonly to: number | null;
  /** allowed ONNX element types per input index (onnxruntime's spelling: 'float', 'int32', ...) */
  readonly inputs?: Readonly<Record<string, readonly string[]>>;
  /** allowed type combinations of all inputs, in input order */
  readonly combos?: readonly (readonly string[])[];
}

/** A provider's kernel list (as the JSON data files of the runtime packages hold it). */
export interface KernelTable {
  /** onnxruntime's name of the provider, e.g. 'CUDAExecutionProvider' */
  readonly provider: string;
  readonly onnxruntime: string;
  /** per op type, the opset versions in which its schema changed */
  readonly onnxSinceVersions: Readonly<Record<string, readonly number[]>>;
  readonly kernels: Readonly<Record<string, readonly KernelRange[]>>;
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
 * [s, e] serves s..e. A node without a kernel does not fail: onnxruntime runs it on the CPU provider.
 */
export function kernelGap(table: KernelTable, use: OnnxOpUse): string | undefined {
  const what = `${use.opType}(${use.inputTypes.join(', ')}) at opset ${use.opset}`;
  if (use.domain !== '') return `${what}: domain '${use.domain}' is not in the table`;
  const since = sinceVersion(table, use.opType, use.opset);
  if (since === undefined) return `${what}: no ONNX since-version known for ${use.opType}`;
  const ranges = (table.kernels[use.opType] ?? []).filter(
    (r) => r.from === since || (r.to !== null && r.from <= since && since <= r.to),
  );
  if (ranges.length === 0) return `${what}: no ${table.provider} kernel registered for since-version ${since}`;
  const types = use.inputTypes.map((t) => ONNX_TYPE[t]);
  const fits = (r: KernelRange) =>
    r.combos !== undefined
      ? r.combos.some((c) => c.every((t, i) => t === types[i]))
      : Object.entries(r.inputs ?? {}).every(([i, allowed]) => {
          const t = types[Number(i)];
          return t === undefined || t === '' || allowed.includes(t);
        });
  return ranges.some(fits)
    ? undefined
    : `${what}: the ${table.provider} kernel for since-version ${since} takes no such input types`;
}
