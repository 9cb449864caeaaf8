import { fail } from '../errors.js';
import { bindSymbols } from '../interpreter/interpret.js';
import { type Graph, inputName, valueInfo } from '../ir/graph.js';
import { shapeToString } from '../ir/shape.js';
import type { DType, SymbolEnv } from '../ir/types.js';
import type { CompileOptions, DeviceTensor, Feeds, HostTensor, LossProgram } from './contract.js';
import { feed } from './feed.js';

/** The typed arrays a feed of each dtype may hold (HostTensor's contract). */
const DATA_KINDS: Record<
  DType,
  readonly (typeof Float32Array | typeof Float64Array | typeof Int32Array | typeof Uint8Array)[]
> = {
  float32: [Float32Array, Float64Array],
  int32: [Int32Array],
  bool: [Uint8Array],
};

const kindOf = (data: unknown): string =>
  ArrayBuffer.isView(data)
    ? data.constructor.name
    : data === null
      ? 'null'
      : Array.isArray(data)
        ? 'Array'
        : typeof data;

/** Structure that bindSymbols takes for granted: a shape of non-negative integers. */
function checkShapeEntries(
  graph: Graph,
  feeds: Readonly<Record<string, { readonly shape: readonly number[] } | undefined>>,
): void {
  for (const id of graph.inputs) {
    const v = valueInfo(graph, id);
    const f = feeds[inputName(graph, id)];
    if (f === undefined || f === null) {
      fail('MISSING_INPUT', `missing input '${v.name}' (${v.dtype}${shapeToString(v.shape)})`, { tensor: v.name });
    }
    if (!Array.isArray(f.shape) || f.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      fail(
        'SHAPE_MISMATCH',
        `input '${v.name}': expected shape ${shapeToString(v.shape)}, got ${JSON.stringify(f.shape)} (dims must be non-negative integers)`,
        {
          tensor: v.name,
          expected: v.shape,
          actual: f.shape,
        },
      );
    }
  }
}

/** The data array matches the dtype and holds exactly one value per element of the shape (of `only` when given). */
function checkData(graph: Graph, feeds: Feeds, only?: ReadonlySet<string>): void {
  for (const id of graph.inputs) {
    const v = valueInfo(graph, id);
    if (only !== undefined && !only.has(inputName(graph, id))) continue;
    const f = feed(feeds, inputName(graph, id));
    const kinds = DATA_KINDS[v.dtype];
    if (!kinds.some((k) => f.data instanceof k)) {
      const want = kinds.map((k) => k.name).join(' or ');
      fail('DTYPE_MISMATCH', `input '${v.name}': dtype ${v.dtype} needs data as ${want}, got ${kindOf(f.data)}`, {
        tensor: v.name,
        expected: want,
        actual: kindOf(f.data),
      });
    }
    const n = f.shape.reduce((a, b) => a * b, 1);
    if (f.data.length !== n) {
      fail('SHAPE_MISMATCH', `input '${v.name}': shape [${f.shape}] needs ${n} values, data holds ${f.data.length}`, {
        tensor: v.name,
        expected: n,
        actual: f.data.length,
      });
    }
  }
}

/** Feeds of the graph's inputs whose dtype and shape are known (their data may live elsewhere). */
export type FeedShapes = Readonly<Record<string, { readonly dtype?: string; readonly shape: readonly number[] }>>;

/**
 * Presence, dtype and shape of every input (binding the symbolic dims), without reading data. Every
 * failure is a LossGraphError naming the tensor.
 */
export function checkShapes(graph: Graph, feeds: FeedShapes): SymbolEnv {
  if (typeof feeds !== 'object' || feeds === null)
    fail('MISSING_INPUT', `feeds must be an object of named tensors, got ${kindOf(feeds)}`);
  checkShapeEntries(graph, feeds);
  return bindSymbols(graph, feeds);
}

/**
 * The structural checks that always run: presence, dtype, shape and data of every feed, then the
 * program's `checkInputs`. Returns the bound symbolic dims.
 */
export function checkStructure(program: LossProgram, feeds: Feeds): SymbolEnv {
  const env = checkShapes(program.graph, feeds);
  checkData(program.graph, feeds);
  program.checkInputs?.(feeds);
  return env;
}

/** A feed that is a HostTensor (its data an array) rather than a tensor a runtime holds. */
export function isHostTensor(t: HostTensor | DeviceTensor): t is HostTensor {
  return ArrayBuffer.isView((t as { data?: unknown }).data);
}

/** Bytes of a tensor's values: 4 per float32 or int32 element, 1 per bool. */
export function tensorBytes(t: { readonly dtype: DType; readonly shape: readonly number[] }): number {
  return t.shape.reduce((a, b) => a * b, 1) * (t.dtype === 'bool' ? 1 : 4);
}

/**
 * The structural checks for feeds that mix HostTensors and DeviceTensors: presence, dtype and shape of
 * every feed, data of the host ones, then the program's `checkInputs` (a device tensor's data empty
 * there). Returns the bound dims and the host feeds.
 */
export function checkMixedStructure(
  program: LossProgram,
  feeds: Readonly<Record<string, HostTensor | DeviceTensor>>,
): { env: SymbolEnv; host: Record<string, HostTensor> } {
  const env = checkShapes(program.graph, feeds);
  const host: Record<string, HostTensor> = {};
  const all: Record<string, HostTensor> = {};
  for (const id of program.graph.inputs) {
    const { dtype } = valueInfo(program.graph, id);
    const name = inputName(program.graph, id);
    const f = feed(feeds as Feeds, name) as HostTensor | DeviceTensor;
    if (isHostTensor(f)) {
      host[name] = f;
      all[name] = f;
      continue;
    }
    if (f.dtype !== dtype)
      fail('DTYPE_MISMATCH', `input '${name}': expected ${dtype}, got a tensor of ${f.dtype}`, {
        tensor: name,
        expected: dtype,
        actual: f.dtype,
      });
    all[name] = { dtype: f.dtype, shape: f.shape, data: EMPTY_DATA[f.dtype]() };
  }
  checkData(program.graph, feeds as Feeds, new Set(Object.keys(host)));
  program.checkInputs?.(all);
  return { env, host };
}

const EMPTY_DATA = {
  float32: () => new Float32Array(0),
  int32: () => new Int32Array(0),
  bool: () => new Uint8Array(0),
} as const;

/**
 * What float32 backends compute on: float64 data of float32 inputs narrowed once (other feeds as they
 * are, without a copy). Value checks run on the result, so a value that float32 turns into Infinity, or
 * a box whose corners round together, is refused instead of computed with.
 */
export function narrowFeeds(graph: Graph, feeds: Feeds): Feeds {
  let out: Record<string, HostTensor> | undefined;
  for (const id of graph.inputs) {
    const name = inputName(graph, id);
    const f = feed(feeds, name);
    if (f.dtype === 'float32' && f.data instanceof Float64Array) {
      out ??= { ...feeds };
      out[name] = { ...f, data: Float32Array.from(f.data) };
    }
  }
  return out ?? feeds;
}

/**
 * The checks a run performs before executing a program, for harnesses that run programs themselves:
 * `checkStructure`, then the program's `validateInputs` unless `options.validate` is false. (Backends
 * made with `defineBackend` also narrow float64 feeds first.)
 */
export function checkFeeds(program: LossProgram, feeds: Feeds, options: CompileOptions = {}): SymbolEnv {
  if (options.validate !== undefined && typeof options.validate !== 'boolean') {
    fail('INVALID_OPTION', `compile option 'validate' must be a boolean, got ${JSON.stringify(options.validate)}`, {
      option: 'validate',
    });
  }
  const env = checkStructure(program, feeds);
  if (options.validate ?? true) program.validateInputs?.(feeds);
  return env;
}

/** Guards a compiled loss against use after dispose(). */
export class DisposeGuard {
  private disposed = false;
  constructor(private readonly what: string) {}
  check(): void {
    if (this.disposed) fail('DISPOSED', `${this.what} was disposed; compile the graph again to run it`);
  }
  dispose(): boolean {
    const first = !this.disposed;
    this.disposed = true;
    return first;
  }
}
