import { feed } from '../backend/feed.js';
import { fail } from '../errors.js';
import { type Graph, inputName, valueInfo } from '../ir/graph.js';
import { dimAt, shapeToString } from '../ir/shape.js';
import { allocate, type TensorData } from '../ir/tensor-data.js';
import type { SymbolEnv } from '../ir/types.js';
import { OPS } from '../ops/registry.js';
import { bindDefinedDims } from '../passes/data-dims.js';

/**
 * Binds every symbolic dim from the feeds' shapes and checks ranks, fixed dims and dtypes.
 * Throws MISSING_INPUT, SHAPE_MISMATCH or DTYPE_MISMATCH naming the tensor.
 */
export function bindSymbols(
  graph: Graph,
  feeds: Readonly<Record<string, { dtype?: string; shape: readonly number[] }>>,
): SymbolEnv {
  const env: Record<string, number> = {};
  const origin: Record<string, string> = {};
  for (const id of graph.inputs) {
    const v = valueInfo(graph, id);
    const name = inputName(graph, id);
    const f = feeds[name];
    if (f === undefined)
      fail('MISSING_INPUT', `missing input '${v.name}' (${v.dtype}${shapeToString(v.shape)})`, { tensor: v.name });
    if (f.dtype !== undefined && f.dtype !== v.dtype) {
      fail('DTYPE_MISMATCH', `input '${v.name}': expected dtype ${v.dtype}, got ${f.dtype}`, {
        tensor: v.name,
        expected: v.dtype,
        actual: f.dtype,
      });
    }
    const mismatch = () =>
      fail('SHAPE_MISMATCH', `input '${v.name}': expected shape ${shapeToString(v.shape)}, got [${f.shape}]`, {
        tensor: v.name,
        expected: v.shape,
        actual: f.shape,
      });
    if (f.shape.length !== v.shape.length) mismatch();
    v.shape.forEach((d, i) => {
      const got = dimAt(f.shape, i);
      if (typeof d === 'number') {
        if (d !== got) mismatch();
      } else if (env[d] === undefined) {
        env[d] = got;
        origin[d] = name;
      } else if (env[d] !== got) {
        const expected = v.shape.map((x) => (typeof x === 'number' ? x : (env[x] ?? x)));
        fail(
          'SHAPE_MISMATCH',
          `input '${v.name}': expected shape [${expected}], got [${f.shape}]: dim ${i} ('${d}') is ${got}, but '${origin[d]}' gives ${d} = ${env[d]}`,
          {
            tensor: v.name,
            symbol: d,
            expected,
            actual: f.shape,
          },
        );
      }
    });
  }
  return env;
}

export type Feed = {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
  readonly dtype?: TensorData['dtype'];
};

/**
 * The reference interpreter: runs any graph in float64 on typed arrays and returns the named outputs
 * (all outputs when `outputs` is omitted). It is the oracle for unit tests and a backend of its own.
 */
export function interpret(
  graph: Graph,
  feeds: Readonly<Record<string, Feed>>,
  outputs?: readonly string[],
): Record<string, TensorData> {
  // data-dependent dims join the input-bound ones as their defining nodes run
  const env: Record<string, number> = { ...bindSymbols(graph, feeds) };
  const vals: (TensorData | undefined)[] = new Array(graph.values.length);
  for (const id of graph.inputs) {
    const v = valueInfo(graph, id);
    const f = feed(feeds, inputName(graph, id));
    const data = allocate(v.dtype, f.data.length);
    data.set(f.data);
    vals[id] = { dtype: v.dtype, shape: [...f.shape], data };
  }
  const wanted = outputs ?? graph.outputs.map((o) => o.name);
  // nodes run in order, so every value a node reads has been computed (verify checks the order)
  const computed = (id: number): TensorData => {
    const t = vals[id];
    if (t === undefined) fail('INVALID_GRAPH', `value ${id} is read before it is computed`);
    return t;
  };
  for (const node of graph.nodes) {
    const ins = node.inputs.map(computed);
    const outs = OPS[node.op].kernel(ins, node.attrs as never, env);
    for (const [k, o] of node.outputs.entries()) vals[o] = outs[k];
    bindDefinedDims(
      graph,
      node,
      outs.map((t) => t.shape),
      env,
    );
  }
  const result: Record<string, TensorData> = {};
  for (const name of wanted) {
    const o = graph.outputs.find((x) => x.name === name);
    if (o === undefined) fail('INVALID_GRAPH', `graph has no output '${name}'`);
    result[name] = computed(o.value);
  }
  return result;
}
