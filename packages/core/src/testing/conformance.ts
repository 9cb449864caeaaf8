import type { CompiledLoss, HostTensor, LossProgram } from '../backend/contract.js';
import { GraphBuilder } from '../builder.js';
import { fail } from '../errors.js';
import { interpret } from '../interpreter/interpret.js';
import { type Graph, inputName, valueInfo } from '../ir/graph.js';
import { resolveShape, sizeOf } from '../ir/shape.js';
import { appendGradients } from '../passes/autodiff.js';
import type { Draw, OpCase } from './op-case.js';
import { normal, seededRandom } from './random.js';

export interface ConformanceOptions {
  /** size of the symbolic dim N. Default 3. */
  readonly n?: number;
  /** seed of the input generator. */
  readonly seed?: number;
  /** elementwise tolerance for floats, relative to max(1, max |want|). Default 1e-4. */
  readonly rtol?: number;
}

function draw(kind: Draw, count: number, r: () => number): number[] {
  return Array.from({ length: count }, () => {
    if (kind === 'normal') return normal(r);
    if (kind === 'positive') return 0.5 + 1.5 * r();
    if (kind === 'bool') return r() < 0.5 ? 1 : 0;
    if (kind === 'ties') return Math.floor(r() * 3) - 1;
    return kind[0] + Math.floor(r() * (kind[1] - kind[0]));
  });
}

function hostTensor(dtype: HostTensor['dtype'], shape: number[], values: number[]): HostTensor {
  const data =
    dtype === 'float32'
      ? Float32Array.from(values)
      : dtype === 'int32'
        ? Int32Array.from(values)
        : Uint8Array.from(values);
  return { dtype, shape, data };
}

/** The case's forward graph, and, where it has a float output and input, the VJP graph of sum(y * w). */
export function caseGraphs(c: OpCase): { forward: Graph; backward?: Graph } {
  const b = new GraphBuilder();
  const entries = Object.entries(c.inputs);
  if (entries.length === 0) fail('INVALID_GRAPH', `conformance case '${c.name}' has no inputs`);
  const tensors = Object.fromEntries(entries.map(([name, spec]) => [name, b.input(name, spec.dtype, spec.shape)]));
  const outs = c.build(b, tensors);
  for (const [k, t] of outs.entries()) b.output(`y${k}`, t);
  const forward = b.build();
  const floatIns = Object.entries(c.inputs)
    .filter(([, s]) => s.dtype === 'float32')
    .map(([n]) => n);
  const floatOuts = outs.map((t, k) => [t, k] as const).filter(([t]) => t.dtype === 'float32');
  if (c.grad === false || floatIns.length === 0 || floatOuts.length === 0) return { forward };
  const gb = GraphBuilder.extend(forward);
  let loss = gb.scalar(0);
  for (const [t, k] of floatOuts)
    loss = loss.add(
      gb
        .tensor(t.id)
        .mul(gb.input(`w${k}`, 'float32', t.shape))
        .sum(),
    );
  gb.output('loss', loss);
  const withLoss = gb.build();
  const backward = appendGradients(withLoss, {
    of: ['loss'],
    wrt: Object.fromEntries(floatIns.map((n) => [n, `grad_${n}`])),
  });
  return { forward, backward };
}

/** Random feeds for every input of `graph` (case inputs by their draw, weights as N(0,1)). */
export function caseFeeds(c: OpCase, graph: Graph, options: ConformanceOptions = {}): Record<string, HostTensor> {
  const r = seededRandom(options.seed ?? 1234);
  const env = { N: options.n ?? 3 };
  const feeds: Record<string, HostTensor> = {};
  for (const id of graph.inputs) {
    const v = valueInfo(graph, id);
    const name = inputName(graph, id);
    const spec = c.inputs[name];
    const shape = resolveShape(v.shape, env);
    feeds[name] = hostTensor(v.dtype, shape, draw(spec?.draw ?? 'normal', sizeOf(shape), r));
  }
  return feeds;
}

/** Throws (with the output name and the worst element) where `got` disagrees with the reference `want`. */
export function assertClose(name: string, got: HostTensor | undefined, want: HostTensor, rtol: number): void {
  if (got === undefined) throw new Error(`${name}: output missing`);
  if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i])) {
    throw new Error(`${name}: shape [${got.shape}], reference [${want.shape}]`);
  }
  let scale = 1;
  for (const w of want.data) scale = Math.max(scale, Math.abs(w));
  for (const [i, w] of want.data.entries()) {
    const g = Number(got.data[i]);
    const ok = want.dtype === 'float32' ? Math.abs(g - w) <= rtol * scale : g === w;
    if (!ok) throw new Error(`${name}[${i}]: got ${g}, reference ${w} (${want.dtype}, shape [${want.shape}])`);
  }
}

/**
 * Runs one case on a backend and compares every output with the reference interpreter: the VJP graph where the
 * case has one (it extends the forward graph and keeps its outputs `y<k>`, so the forward values are checked in
 * the same run, with one compile instead of two), else the forward graph.
 */
export async function runCase(
  c: OpCase,
  compile: (p: LossProgram) => CompiledLoss | Promise<CompiledLoss>,
  options: ConformanceOptions = {},
): Promise<void> {
  const { forward, backward } = caseGraphs(c);
  const graph = backward ?? forward;
  const feeds = caseFeeds(c, graph, options);
  const want = interpret(graph, feeds);
  const compiled = await compile({ graph });
  try {
    const got = await compiled.run(feeds);
    for (const [name, w] of Object.entries(want)) assertClose(`${c.name} ${name}`, got[name], w, options.rtol ?? 1e-4);
  } finally {
    await compiled.dispose();
  }
}

/**
 * The op conformance suite as data: one runnable entry per case. A backend's test file registers each
 * with its test runner, and skips (never passes) the ops it excludes, with the reason.
 */
export function runOpConformance(
  cases: readonly OpCase[],
  compile: (p: LossProgram) => CompiledLoss | Promise<CompiledLoss>,
  options: ConformanceOptions = {},
) {
  return cases.map((c) => ({ name: c.name, op: c.op, run: () => runCase(c, compile, options) }));
}
