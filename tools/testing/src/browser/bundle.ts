import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file of the page: its URL path and its bytes. */
export interface PageAsset {
  readonly body: Uint8Array;
  readonly contentType: string;
}

const PAGE_ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'page', 'main.ts');
const OUT_DIR = join(dirname(PAGE_ENTRY), 'out');

let built: Promise<Map<string, PageAsset>> | undefined;

/**
 * Bundles the page with esbuild, in memory: workspace packages from their TypeScript sources (`source`
 * condition), onnxruntime-web's external-wasm build (it loads its .mjs/.wasm from `env.wasm.wasmPaths`, not
 * from the bundle's own URL, so its threads do not start our page code in their workers). One build per process.
 */
export function pageBundle(): Promise<Map<string, PageAsset>> {
  built ??= build().catch((error: unknown) => {
    built = undefined;
    throw error;
  });
  return built;
}

async function build(): Promise<Map<string, PageAsset>> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { main: PAGE_ENTRY },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    splitting: true,
    target: 'chrome120',
    outdir: OUT_DIR,
    conditions: ['source', 'onnxruntime-web-use-extern-wasm'],
    logLevel: 'silent',
  });
  const assets = new Map<string, PageAsset>();
  for (const file of result.outputFiles) {
    assets.set(`/${relative(OUT_DIR, file.path).split('\\').join('/')}`, {
      body: file.contents,
      contentType: 'text/javascript',
    });
  }
  const html =
    '<!doctype html><meta charset="utf-8"><title>lossgraph bench</title><script type="module" src="/main.js"></script>';
  assets.set('/', { body: new TextEncoder().encode(html), contentType: 'text/html; charset=utf-8' });
  return assets;
}
