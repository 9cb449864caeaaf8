import { fail } from '../errors.js';
import { closestName } from './closest.js';

/**
 * Rejects keys of `options` that are not in `known` with LossGraphError 'INVALID_OPTION', naming the
 * key, the closest known name and every known name. `owner` says whose options they are
 * ("MultiBoxLoss", "onnxruntime-node compile").
 */
export function rejectUnknownKeys(owner: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = closestName(key, known);
    fail(
      'INVALID_OPTION',
      `unknown ${owner} option '${key}'${near === undefined ? '' : ` (did you mean '${near}'?)`}; known: ${known.join(', ')}`,
      {
        option: key,
        ...(near === undefined ? {} : { suggestion: near }),
      },
    );
  }
}
