import { LossGraphError, type LossGraphErrorCode } from '@lossgraph/core';

export function fail(
  code: LossGraphErrorCode,
  message: string,
  details: Record<string, unknown> = {},
  cause?: unknown,
): never {
  throw new LossGraphError(code, message, details, cause === undefined ? undefined : { cause });
}
