// onnx-proto's (protobufjs 6) declarations name the global `Long` of @types/long without referencing it, so a
// consumer type-checking with skipLibCheck false and a `types` list fails on them; this directive (kept in
// the emitted proto.d.ts) brings it in.
/// <reference types="long" preserve="true" />
import onnxProto from 'onnx-proto';

/**
 * The generated ONNX protobuf classes (onnx-proto, protobufjs). onnx-proto is CommonJS and exports its
 * namespace on the default export, so it is read from there (works in Node and in bundlers).
 */
export const onnx = onnxProto.onnx;
export type { onnx as OnnxProto } from 'onnx-proto';
