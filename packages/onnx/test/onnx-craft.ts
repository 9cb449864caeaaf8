import { type OnnxProto, onnx } from '../src/proto.js';

type AttrValue =
  | number
  | readonly number[]
  | string
  | { readonly float: number }
  | { readonly floats: readonly number[] };

export interface CraftNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs?: Readonly<Record<string, AttrValue>>;
  readonly name?: string;
  readonly domain?: string;
}

export interface CraftInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly values: readonly number[];
  /** 'float' (default) or 'int64' */
  readonly type?: 'float' | 'int64';
}

export interface CraftModel {
  readonly opset?: number;
  readonly inputs: readonly { readonly name: string; readonly dims: readonly (number | string)[] }[];
  readonly outputs: readonly string[];
  readonly nodes: readonly CraftNode[];
  readonly initializers?: readonly CraftInitializer[];
}

const A = onnx.AttributeProto.AttributeType;

function attribute(name: string, v: AttrValue): OnnxProto.IAttributeProto {
  if (typeof v === 'number') return { name, type: A.INT, i: v };
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if ('float' in v) return { name, type: A.FLOAT, f: v.float };
  if ('floats' in v) return { name, type: A.FLOATS, floats: [...v.floats] };
  return { name, type: A.INTS, ints: [...(v as readonly number[])] };
}

function tensorProto(t: CraftInitializer): OnnxProto.ITensorProto {
  const int64 = t.type === 'int64';
  return {
    name: t.name,
    dims: [...t.dims],
    dataType: int64 ? onnx.TensorProto.DataType.INT64 : onnx.TensorProto.DataType.FLOAT,
    rawData: int64
      ? new Uint8Array(BigInt64Array.from(t.values, (v) => BigInt(v)).buffer)
      : new Uint8Array(Float32Array.from(t.values).buffer),
  };
}

/** A serialised ModelProto written by hand (float32 inputs and outputs), for single-op tests. */
export function craftModel(m: CraftModel): Uint8Array {
  const valueInfo = (name: string, dims: readonly (number | string)[] | undefined) => ({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        ...(dims === undefined
          ? {}
          : { shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } }),
      },
    },
  });
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'lossgraph-test',
    opsetImport: [{ domain: '', version: m.opset ?? 17 }],
    graph: {
      name: 'crafted',
      node: m.nodes.map((n, i) => ({
        name: n.name ?? `${n.op}_${i}`,
        opType: n.op,
        domain: n.domain ?? '',
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      })),
      initializer: (m.initializers ?? []).map(tensorProto),
      input: m.inputs.map((i) => valueInfo(i.name, i.dims)),
      output: m.outputs.map((o) => valueInfo(o, undefined)),
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** Decodes a model, lets `edit` change it, and serialises it again. */
export function editModel(bytes: Uint8Array, edit: (m: OnnxProto.ModelProto) => void): Uint8Array {
  const m = onnx.ModelProto.decode(bytes);
  edit(m);
  return onnx.ModelProto.encode(m).finish();
}
