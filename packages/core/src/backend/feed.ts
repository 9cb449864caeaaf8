import { fail } from '../errors.js';

/** The feed `name`, which an earlier check has found present (MISSING_INPUT otherwise). */
export function feed<T>(feeds: Readonly<Record<string, T | undefined>>, name: string): T {
  const t = feeds[name];
  if (t === undefined) fail('MISSING_INPUT', `missing input '${name}'`, { tensor: name });
  return t;
}
