import { onnx } from '../src/proto.js';

/** The parts of a decoded ModelProto the tests read (protobufjs `toObject`, int64 as numbers). */
export interface DecodedModel {
  readonly producerName: string;
  readonly opsetImport: readonly { readonly domain: string; readonly version: number }[];
  readonly graph: {
    readonly node: readonly {
      readonly opType: string;
      readonly input: string[];
      readonly output: string[];
      readonly attribute: { name: string; i: number }[];
    }[];
    readonly initializer: readonly { readonly name: string }[];
    readonly input: readonly DecodedValueInfo[];
    readonly output: readonly DecodedValueInfo[];
  };
}

interface DecodedValueInfo {
  readonly name: string;
  readonly type: {
    readonly tensorType: {
      readonly elemType: number;
      readonly shape: { readonly dim: readonly { dimValue?: number; dimParam?: string }[] };
    };
  };
}

export function decodeModel(bytes: Uint8Array): DecodedModel {
  return onnx.ModelProto.toObject(onnx.ModelProto.decode(bytes), { longs: Number, arrays: true }) as DecodedModel;
}

/** A graph input or output as name, element type and dims (dim_param names or numbers). */
export function io(vi: DecodedValueInfo) {
  const t = vi.type.tensorType;
  return { name: vi.name, elemType: t.elemType, dims: (t.shape.dim ?? []).map((d) => d.dimParam ?? d.dimValue) };
}

export const ELEM = onnx.TensorProto.DataType;
