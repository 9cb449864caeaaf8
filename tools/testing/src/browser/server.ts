import { createReadStream, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { PageAsset } from './bundle.js';

/** Headers that make the page cross-origin isolated (SharedArrayBuffer, hence wasm threads). */
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

/** onnxruntime-web's runtime files, the only names served from its dist folder. */
const ORT_FILE = /^ort-wasm-simd-threaded(\.[a-z]+)?\.(wasm|mjs)$/;

/** One run's tensor bytes: the feeds the page fetches, and the outputs it posts back. */
interface Exchange {
  readonly inputs: readonly Uint8Array[];
  readonly outputs: Map<number, Uint8Array>;
}

export interface PageServer {
  /** e.g. http://127.0.0.1:40123 */
  readonly origin: string;
  /** makes `inputs[k]` fetchable at /io/<token>/in/<k> and accepts posts to /io/<token>/out/<k> */
  offer(token: string, inputs: readonly Uint8Array[]): void;
  /** the outputs posted under `token` (each in its own ArrayBuffer, so typed views need no copy) */
  outputs(token: string): ReadonlyMap<number, Uint8Array>;
  drop(token: string): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, contentType: string, body?: Uint8Array | string): void {
  res.writeHead(status, { ...ISOLATION, 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

/** Reads a request body into one ArrayBuffer of exactly its length. */
function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', reject);
    req.on('end', () => {
      const total = chunks.reduce((n, c) => n + c.length, 0);
      if (Number.isFinite(declared) && declared !== total)
        return reject(new Error(`body of ${total} bytes, Content-Length ${declared}`));
      const out = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
      resolve(out);
    });
  });
}

/**
 * A static server on 127.0.0.1 (random port) for the bench page: the bundle, onnxruntime-web's runtime
 * files, and the tensor exchange. Every response carries COOP/COEP/CORP headers.
 */
export async function startPageServer(assets: ReadonlyMap<string, PageAsset>, ortDistDir: string): Promise<PageServer> {
  const exchanges = new Map<string, Exchange>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const io = /^\/io\/([\w-]+)\/(in|out)\/(\d+)$/.exec(path);
    if (io) {
      const ex = exchanges.get(io[1]!);
      const k = Number(io[3]);
      if (ex === undefined) return send(res, 404, 'text/plain', `no exchange ${io[1]}`);
      if (io[2] === 'in' && req.method === 'GET' && k < ex.inputs.length)
        return send(res, 200, 'application/octet-stream', ex.inputs[k]);
      if (io[2] === 'out' && req.method === 'POST') {
        ex.outputs.set(k, await readBody(req));
        return send(res, 204, 'text/plain');
      }
      return send(res, 400, 'text/plain', `bad exchange request ${req.method} ${path}`);
    }
    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'method not allowed');
    const asset = assets.get(path);
    if (asset) return send(res, 200, asset.contentType, asset.body);
    const ortName = path.startsWith('/ort/') ? path.slice(5) : '';
    if (ORT_FILE.test(ortName) && existsSync(join(ortDistDir, ortName))) {
      res.writeHead(200, {
        ...ISOLATION,
        'Content-Type': ortName.endsWith('.wasm') ? 'application/wasm' : 'text/javascript',
      });
      createReadStream(join(ortDistDir, ortName))
        .on('error', () => res.destroy())
        .pipe(res);
      return;
    }
    if (path === '/favicon.ico') return send(res, 204, 'image/x-icon');
    send(res, 404, 'text/plain', `not found: ${path}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', String(error));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    offer: (token, inputs) => void exchanges.set(token, { inputs, outputs: new Map() }),
    outputs: (token) => exchanges.get(token)?.outputs ?? new Map(),
    drop: (token) => void exchanges.delete(token),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
