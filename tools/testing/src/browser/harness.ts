import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import {
  type CompiledLoss,
  type CompileOptions,
  checkFeeds,
  DisposeGuard,
  type DType,
  type Feeds,
  type HostTensor,
  LossGraphError,
  type LossGraphErrorCode,
  type LossProgram,
  type Outputs,
} from '@lossgraph/core';
import type { Browser, Page } from 'playwright-core';
import { pageBundle } from './bundle.js';
import { assertChromiumPresent, launchChromium } from './chromium.js';
import type { PageCompiled, PageError, PageProbe, PageResult, PageRuntime, PageTimes, WireTensor } from './protocol.js';
import { type PageServer, startPageServer } from './server.js';

export interface HarnessTimeouts {
  /** Chromium start (ms) */
  readonly launch: number;
  /** page load until its API is ready (ms) */
  readonly load: number;
  /** one compile in the page (ms) */
  readonly compile: number;
  /** one run in the page, transfers included (ms) */
  readonly run: number;
}

export const DEFAULT_TIMEOUTS: HarnessTimeouts = { launch: 30_000, load: 60_000, compile: 120_000, run: 300_000 };

export interface HarnessOptions {
  readonly timeouts?: Partial<HarnessTimeouts>;
  /** where the page's console errors and warnings go (default: stderr, prefixed) */
  readonly log?: (line: string) => void;
}

/** Page console lines that are known noise, not problems: ORT noting that shape ops run on the CPU, SwiftShader noting a readback. */
const NOISE = [/VerifyEachNodeIsAssignedToAnEp/, /GPU stall due to ReadPixels/];

const ARRAYS = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;

/** A feed's bytes as the page reads them (float64 data is narrowed to float32; no copy otherwise). */
function feedBytes(t: HostTensor): Uint8Array {
  const typed = t.data instanceof ARRAYS[t.dtype] ? t.data : ARRAYS[t.dtype].from(t.data);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

function outputTensor(t: WireTensor, bytes: Uint8Array | undefined): HostTensor {
  if (bytes === undefined)
    throw new LossGraphError('KERNEL_ERROR', `the page sent no bytes for output '${t.name}'`, { tensor: t.name });
  const Array_ = ARRAYS[t.dtype];
  const data = new Array_(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / Array_.BYTES_PER_ELEMENT);
  return { dtype: t.dtype, shape: t.shape, data };
}

function pageValue<T>(res: PageResult<T>): T {
  if (!res.ok) throw errorFromPage(res.error);
  return res.value;
}

function errorFromPage(error: PageError): LossGraphError {
  const code = (error.code ?? 'KERNEL_ERROR') as LossGraphErrorCode;
  return new LossGraphError(code, `in Chromium: ${error.message}`, error.details ?? {});
}

/** A loss compiled in the page that can also be timed there, on feeds already in the page. */
export interface PageCompiledLoss extends CompiledLoss {
  /** fetches `feeds` into the page once, times `repeats` runs there, and the transfers apart */
  timeInPage(feeds: Feeds, repeats: number): Promise<PageTimes>;
}

/**
 * Headless Chromium with one page that runs lossgraph graphs on browser runtimes (onnxruntime-web wasm
 * and webgpu, tfjs webgl). Node checks the feeds, the page compiles and runs; tensors cross as raw bytes
 * through the local server. A page that crashed or timed out is replaced on the next call, and graphs
 * compiled in it compile again there on their next run.
 */
export class BrowserHarness {
  private page: Page | undefined;
  /** bumps whenever the page is replaced: compiled losses of an older page compile again */
  private generation = 0;
  private readonly consoleTail: string[] = [];
  private closed = false;

  private constructor(
    private readonly browser: Browser,
    private readonly server: PageServer,
    private timeouts: HarnessTimeouts,
    private readonly log: (line: string) => void,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<BrowserHarness> {
    assertChromiumPresent(); // before bundling: the cheapest check first
    const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    const log = options.log ?? ((line: string) => process.stderr.write(`[chromium] ${line}\n`));
    const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
    const server = await startPageServer(await pageBundle(), ortDist);
    let browser: Browser;
    try {
      browser = await launchChromium(timeouts.launch);
    } catch (error) {
      await server.close();
      throw error;
    }
    const harness = new BrowserHarness(browser, server, timeouts, log);
    try {
      await harness.livePage();
    } catch (error) {
      await harness.close();
      throw error;
    }
    return harness;
  }

  /** Changes deadlines for later calls (tests use it to provoke a timeout). */
  setTimeouts(timeouts: Partial<HarnessTimeouts>): void {
    this.timeouts = { ...this.timeouts, ...timeouts };
  }

  /** Chromium's version, e.g. '156.0.8078.108'. */
  get version(): string {
    return this.browser.version();
  }

  private remember(line: string): void {
    if (NOISE.some((re) => re.test(line))) return;
    this.consoleTail.push(line);
    if (this.consoleTail.length > 10) this.consoleTail.shift();
    this.log(line);
  }

  private async openPage(): Promise<Page> {
    const page = await this.browser.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') this.remember(`console.${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (error) => this.remember(`uncaught: ${error.message}`));
    page.on('crash', () => {
      this.remember('the page crashed (out of memory?)');
      if (this.page === page) this.page = undefined;
    });
    try {
      await page.goto(`${this.server.origin}/`, { timeout: this.timeouts.load });
      await page.waitForFunction(() => window.__lossgraph?.ready === true, undefined, { timeout: this.timeouts.load });
      if (!(await page.evaluate(() => crossOriginIsolated)))
        this.remember('the page is not cross-origin isolated: wasm runs single-threaded');
    } catch (error) {
      await page.close().catch(() => undefined);
      throw this.failure('BACKEND_UNAVAILABLE', `the bench page did not load from ${this.server.origin}`, error);
    }
    return page;
  }

  private async livePage(): Promise<Page> {
    if (this.closed) throw new LossGraphError('DISPOSED', 'the browser harness was closed');
    if (this.page === undefined || this.page.isClosed()) {
      this.page = await this.openPage();
      this.generation++;
    }
    return this.page;
  }

  private failure(code: LossGraphErrorCode, what: string, cause: unknown): LossGraphError {
    const why = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    const tail = this.consoleTail.length > 0 ? `; recent page console: ${this.consoleTail.slice(-3).join(' | ')}` : '';
    return new LossGraphError(code, `${what}: ${why}${tail}`, { browser: 'chromium' }, { cause });
  }

  /** Runs `fn` on the live page with a deadline; a page that misses it is closed (it may be stuck in a kernel). */
  private async call<T>(what: string, timeoutMs: number, fn: (page: Page) => Promise<T>): Promise<T> {
    const page = await this.livePage();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([fn(page), deadline]);
    } catch (error) {
      if (!page.isClosed() && error instanceof Error && error.message.startsWith('timed out')) {
        if (this.page === page) this.page = undefined;
        await page.close({ runBeforeUnload: false }).catch(() => undefined);
      }
      throw this.failure('KERNEL_ERROR', `${what} in Chromium`, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** What the page finds for a runtime (WebGPU adapter, WebGL float support, threads). */
  async probe(runtime: PageRuntime): Promise<PageProbe> {
    return this.call(`probing ${runtime}`, this.timeouts.compile, (page) =>
      page.evaluate((r) => window.__lossgraph!.probe(r), runtime),
    );
  }

  /** Compiles the graph in the live page; returns its id there and what the page says about it. */
  private async compileInPage(
    runtime: PageRuntime,
    program: LossProgram,
  ): Promise<PageCompiled & { generation: number }> {
    const result = await this.call(`compiling for ${runtime}`, this.timeouts.compile, (page) =>
      page.evaluate(([r, graph]) => window.__lossgraph!.compile(r, graph), [runtime, program.graph] as const),
    );
    if (!result.ok) throw errorFromPage(result.error);
    return { ...result.value, generation: this.generation };
  }

  /**
   * Compiles a program in the page. Feeds are checked here in Node (shapes, then `validateInputs`). When
   * the page was replaced (after a crash or a timeout), the next run compiles the program again there.
   */
  async compile(runtime: PageRuntime, program: LossProgram, options: CompileOptions = {}): Promise<PageCompiledLoss> {
    let compiled = await this.compileInPage(runtime, program);
    const { backend, device, outputNames } = compiled;
    const guard = new DisposeGuard(`${backend} compiled loss in Chromium`);
    const inputs = program.graph.inputs.map((v) => program.graph.values[v]!);
    /** Checks the feeds, recompiles in a replaced page, and offers the feeds' bytes to the page under a fresh token. */
    const exchange = async <T>(
      feeds: Feeds,
      what: string,
      fn: (page: Page, id: number, token: string, wire: WireTensor[]) => Promise<T>,
    ): Promise<T> => {
      guard.check();
      checkFeeds(program, feeds, options);
      if (compiled.generation !== this.generation || this.page === undefined) {
        this.log(`recompiling ${backend} in a new page`);
        compiled = await this.compileInPage(runtime, program);
      }
      const { id } = compiled;
      const wire: WireTensor[] = inputs.map((v) => ({
        name: v.name!,
        dtype: v.dtype as DType,
        shape: feeds[v.name!]!.shape,
      }));
      const token = randomUUID();
      this.server.offer(
        token,
        wire.map((t) => feedBytes(feeds[t.name]!)),
      );
      try {
        return await this.call(`${what} ${backend}`, this.timeouts.run, (page) => fn(page, id, token, wire));
      } finally {
        this.server.drop(token);
      }
    };
    return {
      backend,
      device: `${device}, Chromium ${this.version}`,
      outputNames,
      // a failure the page reports keeps its LossGraphError code (it is raised outside this.call)
      run: (feeds: Feeds, outputs?: readonly string[]): Promise<Outputs> =>
        exchange(feeds, 'running', async (page, id, token, wire) => {
          const res = await page.evaluate(([i, tok, w, o]) => window.__lossgraph!.run(i, tok, w, o), [
            id,
            token,
            wire,
            outputs ?? null,
          ] as const);
          const bytes = this.server.outputs(token);
          return () => Object.fromEntries(pageValue(res).map((t, k) => [t.name, outputTensor(t, bytes.get(k))]));
        }).then((read) => read()),
      timeInPage: (feeds: Feeds, repeats: number): Promise<PageTimes> =>
        exchange(feeds, 'timing', (page, id, token, wire) =>
          page.evaluate(([i, tok, w, n]) => window.__lossgraph!.time(i, tok, w, n), [
            id,
            token,
            wire,
            repeats,
          ] as const),
        ).then(pageValue),
      dispose: async () => {
        if (!guard.dispose() || compiled.generation !== this.generation || this.page === undefined) return;
        const { id } = compiled;
        await this.page.evaluate((i) => window.__lossgraph!.dispose(i), id).catch(() => undefined);
      },
    };
  }

  /** Closes the browser and the server. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.page = undefined;
    await this.browser.close().catch(() => undefined);
    await this.server.close();
  }
}
