import { type OnnxProto, onnx } from '../proto.js';
import { invalidModel, type NodeRef } from './errors.js';
import { type HostTensor, hostTensor, kindOf, sizeOfShape } from './host-tensor.js';

/** The opsets of the default ONNX domain the importer reads. */
export const IMPORT_OPSETS = { min: 13, max: 18 } as const;

type Int64 = number | { toNumber(): number };

/** protobufjs gives int64 fields as numbers or as Long objects. */
export function toNumber(v: Int64 | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** One node, with its attributes by name. */
export interface OnnxNode extends NodeRef {
  readonly domain: string;
  /** input names; '' marks an absent optional input */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, OnnxProto.IAttributeProto>;
}

/** A graph input: its name, element type and dims (numbers, symbolic names, or undefined when unknown). */
export interface OnnxInput {
  readonly name: string;
  readonly elemType: number;
  readonly dims: readonly (number | string | undefined)[];
}

/** What the importer reads from a ModelProto. */
export interface OnnxModel {
  readonly opset: number;
  readonly nodes: readonly OnnxNode[];
  /** initializers by name, in file order (a Map keeps insertion order) */
  readonly initializers: ReadonlyMap<string, HostTensor>;
  /** graph inputs that are not initializers */
  readonly inputs: readonly OnnxInput[];
  readonly outputs: readonly string[];
}

/** Decodes a serialised ModelProto; a truncated or malformed file is INVALID_MODEL. */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  let proto: OnnxProto.ModelProto;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch (e) {
    return invalidModel(`the bytes are not an ONNX model (truncated or malformed): ${(e as Error).message}`, {}, e);
  }
  const graph = proto.graph;
  if (graph === null || graph === undefined || (graph.node ?? []).length === 0) {
    return invalidModel('the ONNX model has no graph or no nodes (truncated or not a model file)');
  }
  const opset = defaultOpset(proto);
  const initializers = new Map<string, HostTensor>();
  for (const t of graph.initializer ?? []) initializers.set(t.name ?? '', decodeTensor(t, `initializer '${t.name}'`));
  const inputs = (graph.input ?? []).filter((i) => !initializers.has(i.name ?? '')).map(decodeInput);
  const nodes = (graph.node ?? []).map((n, i): OnnxNode => {
    const outputs = n.output ?? [];
    return {
      name: n.name || outputs[0] || `#${i}`,
      opType: n.opType ?? '',
      domain: n.domain ?? '',
      inputs: n.input ?? [],
      outputs,
      attributes: new Map((n.attribute ?? []).map((a) => [a.name ?? '', a])),
    };
  });
  const outputs = (graph.output ?? []).map((o) => o.name ?? '');
  if (outputs.length === 0) invalidModel('the ONNX graph has no outputs');
  return { opset, nodes, initializers, inputs, outputs };
}

function defaultOpset(proto: OnnxProto.ModelProto): number {
  const entry = (proto.opsetImport ?? []).find((o) => o.domain === '' || o.domain === 'ai.onnx' || !o.domain);
  if (entry === undefined) return invalidModel('the ONNX model imports no opset of the default domain');
  const version = toNumber(entry.version);
  if (version < IMPORT_OPSETS.min || version > IMPORT_OPSETS.max) {
    invalidModel(
      `opset ${version} is outside the ${IMPORT_OPSETS.min}-${IMPORT_OPSETS.max} the importer reads; ` +
        'export with torch.onnx.export(..., opset_version=17)',
      { opset: version },
    );
  }
  return version;
}

function decodeInput(vi: OnnxProto.IValueInfoProto): OnnxInput {
  const tt = vi.type?.tensorType;
  const name = vi.name ?? '';
  if (tt === null || tt === undefined) return invalidModel(`graph input '${name}' is not a tensor`, { tensor: name });
  const dims = (tt.shape?.dim ?? []).map((d) =>
    d.dimValue !== null && d.dimValue !== undefined ? toNumber(d.dimValue) : d.dimParam || undefined,
  );
  return { name, elemType: tt.elemType ?? 0, dims };
}

const T = onnx.TensorProto.DataType;

/** A TensorProto's values (raw_data or the typed fields), checked against its dims. */
export function decodeTensor(t: OnnxProto.ITensorProto, what: string): HostTensor {
  const elemType = t.dataType ?? 0;
  const kind = kindOf(elemType);
  if (kind === undefined || elemType === T.FLOAT16 || elemType === T.BFLOAT16) {
    return invalidModel(`${what}: element type ${T[elemType] ?? elemType} is not supported`, { tensor: t.name });
  }
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    return invalidModel(`${what}: external data is not supported (export the model as one file)`, { tensor: t.name });
  }
  const shape = (t.dims ?? []).map(toNumber);
  const count = sizeOfShape(shape);
  const values = t.rawData && t.rawData.length > 0 ? fromRaw(elemType, t.rawData) : fromFields(elemType, t);
  if (values.length !== count) {
    invalidModel(`${what}: holds ${values.length} values for dims [${shape}] (${count}); the file may be truncated`, {
      tensor: t.name,
    });
  }
  return hostTensor(kind, shape, values);
}

function fromRaw(elemType: number, raw: Uint8Array): ArrayLike<number> {
  // an aligned copy of its own (protobufjs may hand out a view into a larger, pooled Node Buffer)
  const bytes = new Uint8Array(raw.length);
  bytes.set(raw);
  const buf = bytes.buffer;
  const whole = (size: number) => {
    if (bytes.length % size !== 0) invalidModel(`raw_data of ${bytes.length} bytes is not a whole number of elements`);
    return bytes.length / size;
  };
  switch (elemType) {
    case T.FLOAT:
      return new Float32Array(buf, 0, whole(4));
    case T.DOUBLE:
      return new Float64Array(buf, 0, whole(8));
    case T.INT64:
      return Array.from(new BigInt64Array(buf, 0, whole(8)), Number);
    case T.UINT64:
      return Array.from(new BigUint64Array(buf, 0, whole(8)), Number);
    case T.INT32:
      return new Int32Array(buf, 0, whole(4));
    case T.UINT32:
      return new Uint32Array(buf, 0, whole(4));
    case T.INT16:
      return new Int16Array(buf, 0, whole(2));
    case T.UINT16:
      return new Uint16Array(buf, 0, whole(2));
    case T.INT8:
      return new Int8Array(buf);
    default:
      return bytes; // UINT8, BOOL
  }
}

function fromFields(elemType: number, t: OnnxProto.ITensorProto): ArrayLike<number> {
  switch (elemType) {
    case T.FLOAT:
      return t.floatData ?? [];
    case T.DOUBLE:
      return t.doubleData ?? [];
    case T.INT64:
      return (t.int64Data ?? []).map(toNumber);
    case T.UINT64:
    case T.UINT32:
      return (t.uint64Data ?? []).map(toNumber);
    default:
      return t.int32Data ?? [];
  }
}
