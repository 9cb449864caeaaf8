/**
 * The one error type of lossgraph. `code` is stable and meant for programs; `message` is for people.
 * A brand symbol (not `instanceof`) identifies it, so two installed copies of the package still agree.
 */
const BRAND = Symbol.for('lossgraph.error');

export type LossGraphErrorCode =
  | 'INVALID_GRAPH' // the IR breaks a typing, shape or SSA rule
  | 'UNBOUND_SYMBOL' // a symbolic dim has no value at run time
  | 'SHAPE_MISMATCH' // a tensor has the wrong rank or size
  | 'DTYPE_MISMATCH' // a tensor has the wrong element type
  | 'MISSING_INPUT' // a required feed (or fixture tensor) is absent
  | 'NON_FINITE' // NaN or +-Inf where a finite number is required
  | 'LABEL_OUT_OF_RANGE' // a class label outside [0, C-2]
  | 'DEGENERATE_BOX' // xmax <= xmin or ymax <= ymin
  | 'BOX_OUTSIDE_IMAGE' // a truth box leaves the image its anchors cover
  | 'NUM_OBJS_OUT_OF_RANGE' // num_objs negative or above M
  | 'INVALID_OPTION' // an unknown or out-of-range option
  | 'INVALID_FIXTURE' // a fixture file that does not follow docs/FIXTURES.md
  | 'INVALID_MODEL' // a model file that cannot be decoded or imported (truncated, unsupported export)
  | 'UNSUPPORTED_OP' // a backend has no lowering for an op
  | 'BACKEND_UNAVAILABLE' // a runtime or execution provider cannot start
  | 'DISPOSED' // a compiled loss was used after dispose()
  | 'KERNEL_ERROR' // a kernel met data it cannot compute (e.g. an index out of range)
  | 'TIMEOUT' // a compile or run did not finish within its bounded wait (CompileOptions.timeouts)
  | 'INVALID_CHECKPOINT'; // a trainer checkpoint that does not fit the trainer (format, optimizer, tensors)

export class LossGraphError extends Error {
  readonly code: LossGraphErrorCode;
  readonly details: Readonly<Record<string, unknown>>;
  readonly [BRAND] = true;

  constructor(
    code: LossGraphErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LossGraphError';
    this.code = code;
    this.details = details;
  }

  static isInstance(error: unknown): error is LossGraphError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
  }
}

export function fail(
  code: LossGraphErrorCode,
  message: string,
  details: Record<string, unknown> = {},
  cause?: unknown,
): never {
  throw new LossGraphError(code, message, details, cause === undefined ? undefined : { cause });
}
