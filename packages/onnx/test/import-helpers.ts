import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  appendGradients,
  type Graph,
  GraphBuilder,
  interpret,
  LossGraphError,
  type ModelGraph,
  parseSafetensors,
  type SafetensorsFile,
  type Tensor,
} from '@lossgraph/core';
import { expect } from 'vitest';

const DATA = join(dirname(fileURLToPath(import.meta.url)), 'data');

/** A file written by tools/reference/export_models.py. */
export interface ExportCase {
  readonly file: SafetensorsFile;
  readonly bytes: Uint8Array;
  readonly outputs: readonly string[];
  readonly parameters: readonly string[];
  readonly state: readonly string[];
  tensor(name: string): { shape: readonly number[]; data: ArrayLike<number> };
}

export function loadCase(name: string): ExportCase {
  const path = join(DATA, `import_${name}.safetensors`);
  const file = parseSafetensors(new Uint8Array(readFileSync(path)), path);
  const tensor = (key: string) => {
    const t = file.tensors.get(key);
    if (t === undefined) throw new Error(`${path}: no tensor '${key}'`);
    return { shape: t.shape, data: t.data as ArrayLike<number> };
  };
  const list = (key: string) => (file.metadata[key] ? (file.metadata[key] ?? '').split(',') : []);
  return {
    file,
    bytes: Uint8Array.from(tensor('model_onnx').data),
    outputs: list('outputs'),
    parameters: list('parameters'),
    state: list('state'),
    tensor,
  };
}

export interface RunResult {
  readonly outputs: Record<string, ArrayLike<number>>;
  readonly nextState: Record<string, ArrayLike<number>>;
  readonly grads: Record<string, ArrayLike<number>>;
}

/**
 * Emits `model` into a fresh graph with outputs `<out>` and `next/<state>`; with `grads`, also the scalar
 * `total`, the sum over outputs of sum(weight_<out> * out), and `grad/<param>`, its gradient with respect to
 * every parameter.
 */
export function modelGraph(model: ModelGraph, c: ExportCase, mode: 'train' | 'eval', grads = false): Graph {
  const b = new GraphBuilder();
  const feedsOf = (list: readonly { name: string; shape: readonly number[] }[]) =>
    Object.fromEntries(list.map((t): [string, Tensor] => [t.name, b.input(t.name, 'float32', t.shape)]));
  const fwd = model.emit(
    b,
    { inputs: feedsOf(model.inputs), parameters: feedsOf(model.parameters), state: feedsOf(model.state) },
    mode,
  );
  for (const [name, t] of Object.entries(fwd.outputs)) b.output(name, t);
  for (const [name, t] of Object.entries(fwd.nextState)) b.output(`next/${name}`, t);
  if (!grads) return b.build();
  let total: Tensor | undefined;
  for (const [name, t] of Object.entries(fwd.outputs)) {
    const w = c.tensor(`weight_${name}`);
    const term = t.mul(b.constant(Array.from(w.data), 'float32', w.shape)).sum();
    total = total === undefined ? term : total.add(term);
  }
  if (total === undefined) throw new Error('no outputs');
  b.output('total', total);
  return appendGradients(b.build(), {
    of: ['total'],
    wrt: Object.fromEntries(model.parameters.map((p) => [p.name, `grad/${p.name}`])),
  });
}

/** The feeds of a model graph: the case's images, the model's initializers. */
export function modelFeeds(model: ModelGraph, c: ExportCase) {
  return Object.fromEntries([
    ...model.inputs.map((i) => [i.name, c.tensor(i.name)] as const),
    ...[...model.parameters, ...model.state].map((p) => [p.name, { shape: p.shape, data: p.data }] as const),
  ]);
}

/** Splits graph results into outputs, next state and gradients. */
export function splitResults(model: ModelGraph, res: Readonly<Record<string, ArrayLike<number>>>): RunResult {
  const pick = (prefix: string) =>
    Object.fromEntries(
      Object.entries(res)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
  return {
    outputs: Object.fromEntries(model.outputs.map((o) => [o.name, res[o.name] ?? []])),
    nextState: pick('next/'),
    grads: pick('grad/'),
  };
}

/** `modelGraph` run on the reference interpreter (float64). */
export function runModel(model: ModelGraph, c: ExportCase, mode: 'train' | 'eval', grads = false): RunResult {
  const res = interpret(modelGraph(model, c, mode, grads), modelFeeds(model, c));
  return splitResults(model, Object.fromEntries(Object.entries(res).map(([k, v]) => [k, v.data])));
}

/** max |got - want| <= rel * max(floor, max |want|), with the worst element in the message */
export function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  rel: number,
  what: string,
  floor = 1e-3,
): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  let scale = floor;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i] ?? 0));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs((got[i] ?? Number.NaN) - (want[i] ?? 0));
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  expect(worst, `${what}: worst at ${at}: got ${got[at]}, want ${want[at]}`).toBeLessThanOrEqual(rel * scale);
}

/** Whether `e` is the reference interpreter's "kernel not written yet" (kernels land on other branches). */
export function isMissingKernel(e: unknown): boolean {
  return LossGraphError.isInstance(e) && e.code === 'UNSUPPORTED_OP' && /not written yet/.test(e.message);
}

/** The LossGraphError `f` throws. */
export function caught(f: () => unknown): LossGraphError {
  try {
    f();
  } catch (e) {
    if (LossGraphError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected a LossGraphError');
}
