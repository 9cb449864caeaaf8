import * as tf from '@tensorflow/tfjs-core';
import { fail } from './errors.js';

/**
 * Makes `name` tfjs's active backend (initialising it when needed) and returns the name of the backend
 * actually active. Without a name, keeps (or lets tfjs pick) the active one. Fails with
 * 'BACKEND_UNAVAILABLE' naming the registered backends, and leaves the previous backend active.
 */
export async function activateBackend(name?: string): Promise<string> {
  if (name === undefined) {
    await tf.ready();
    return tf.getBackend();
  }
  if (tf.getBackend() === name && tf.findBackend(name) != null) return name;
  const registered = tf.engine().backendNames();
  if (!registered.includes(name)) {
    fail(
      'BACKEND_UNAVAILABLE',
      `tfjs backend '${name}' is not registered (registered: ${registered.join(', ') || 'none'}); import its package, e.g. '@tensorflow/tfjs-backend-${name}'`,
      { backend: name },
    );
  }
  const previous = tf.engine().backendName;
  let cause: unknown;
  const ok = await tf.setBackend(name).catch((e: unknown) => {
    cause = e;
    return false;
  });
  if (!ok) {
    if (previous && previous !== name) await tf.setBackend(previous).catch(() => false);
    const hint =
      name === 'wasm' ? " (in Node, call setWasmPaths() with the folder of tfjs-backend-wasm's .wasm files first)" : '';
    fail(
      'BACKEND_UNAVAILABLE',
      `tfjs backend '${name}' failed to initialise${hint}${cause ? `: ${(cause as Error).message}` : ''}`,
      { backend: name },
      cause,
    );
  }
  return tf.getBackend();
}

/**
 * Switches tfjs to `name` synchronously when that backend is already initialised (tf.setBackend does
 * its whole work before its first await then), and says whether `name` is active now.
 */
function switchNow(name: string): boolean {
  if (tf.getBackend() === name) return true;
  if (tf.findBackend(name) == null) return false;
  void tf.setBackend(name).catch(() => false);
  return tf.getBackend() === name;
}

/**
 * Runs `work` (synchronous tfjs ops) with `name` active: the switch and the work happen with no await
 * between them, so two losses on different tfjs backends in one process never run on each other's
 * kernels, however their runs interleave.
 */
export async function onBackend<T>(name: string, work: () => T): Promise<T> {
  while (!switchNow(name)) await activateBackend(name);
  return work();
}
