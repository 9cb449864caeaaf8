import onnxProto from 'onnx-proto';

/**
 * The generated ONNX protobuf classes (onnx-proto, protobufjs). onnx-proto is CommonJS and exports its
 * namespace on the default export, so it is read from there (works in Node and in bundlers).
 */
export const onnx = onnxProto.onnx;
export type { onnx as OnnxProto } from 'onnx-proto';
