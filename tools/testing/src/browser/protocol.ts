/**
 * What Node and the page say to each other. Control goes through `page.evaluate` (plain JSON: the graph,
 * shapes, names); tensor bytes go over HTTP to the same local server (`/io/<token>/in/<k>` to fetch a feed,
 * `/io/<token>/out/<k>` to post an output), so that 17 MB of SSD512 feeds cross as raw bytes, not as JSON.
 */
import type { DType, Graph } from '@lossgraph/core';

/** The runtimes the page can compile with. */
export type PageRuntime = 'ort-wasm' | 'ort-webgpu' | 'tfjs-webgl';

export interface WireTensor {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

export interface PageProbe {
  readonly available: boolean;
  /** why not, when unavailable */
  readonly reason?: string;
  /** what the page found: adapter, WebGL renderer and float support, threads */
  readonly info: string;
}

export interface PageCompiled {
  readonly id: number;
  readonly backend: string;
  readonly device: string;
  readonly outputNames: readonly string[];
}

/** A failure inside the page, with the LossGraphError code when there was one. */
export interface PageError {
  readonly code?: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

export type PageResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: PageError };

/** Timings of `timeRuns` in the page: each run() on feeds already in the page, and the transfers apart. */
export interface PageTimes {
  /** wall time of each awaited run(), in the page, on tensors already there */
  readonly run_ms: number[];
  /** fetching the feeds into the page (once per call) */
  readonly feeds_in_ms: number;
  /** posting the last run's outputs back to Node */
  readonly outputs_out_ms: number;
}

/** The object the page installs as `window.__lossgraph`. */
export interface PageApi {
  readonly ready: true;
  probe(runtime: PageRuntime): Promise<PageProbe>;
  compile(runtime: PageRuntime, graph: Graph): Promise<PageResult<PageCompiled>>;
  /** fetches the feeds from /io/<token>/in/<k>, runs, posts each output to /io/<token>/out/<k> */
  run(
    id: number,
    token: string,
    feeds: readonly WireTensor[],
    outputs: readonly string[] | null,
  ): Promise<PageResult<WireTensor[]>>;
  /**
   * Fetches the feeds once, then times `repeats` runs in the page (performance.now around each awaited
   * run), then posts the last run's outputs: the transfers are timed apart from the runs.
   */
  time(id: number, token: string, feeds: readonly WireTensor[], repeats: number): Promise<PageResult<PageTimes>>;
  dispose(id: number): Promise<void>;
}

declare global {
  interface Window {
    __lossgraph?: PageApi;
  }
}
