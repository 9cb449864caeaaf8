import { LossGraphError, type LossGraphErrorCode } from '@lossgraph/core';

function fail(code: LossGraphErrorCode, message: string, details: Record<string, unknown>, cause?: unknown): never {
  throw new LossGraphError(code, message, details, cause === undefined ? undefined : { cause });
}

/** An ONNX node as the importer reports it: its name (or its first output when unnamed) and op_type. */
export interface NodeRef {
  readonly name: string;
  readonly opType: string;
}

export function describeNode(node: NodeRef): string {
  return `node '${node.name}' (${node.opType})`;
}

/** The model cannot be imported as it is (a malformed file, a shape that does not fit, an unusable export). */
export function invalidModel(message: string, details: Record<string, unknown> = {}, cause?: unknown): never {
  return fail('INVALID_MODEL', message, details, cause);
}

/** `invalidModel` naming the node it concerns. */
export function invalidNode(node: NodeRef, message: string, cause?: unknown): never {
  return fail('INVALID_MODEL', `${describeNode(node)}: ${message}`, { node: node.name, opType: node.opType }, cause);
}

/** The importer has no conversion for this op or this use of it. */
export function unsupportedNode(node: NodeRef, why = 'is not supported by the ONNX importer'): never {
  return fail('UNSUPPORTED_OP', `${describeNode(node)}: ${node.opType} ${why}`, {
    node: node.name,
    opType: node.opType,
    op: node.opType,
  });
}
